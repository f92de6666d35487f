import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStoreError } from '../../src/store/errors.js';
import { openMongo, type MongoStore } from '../../src/store/mongo/index.js';
import { mongoTargets, type MongoTarget } from '../support/mongo.js';

type Created = Awaited<ReturnType<MongoTarget['create']>>;

describe.each(mongoTargets)('MongoDB store on the $name server', (target) => {
  let created: Created;
  const open: MongoStore[] = [];
  const openStore = async (clock?: () => number) => {
    const store = await openMongo(created.url, { clock });
    open.push(store);
    return store;
  };

  beforeEach(async () => {
    created = await target.create();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close().catch(() => undefined)));
    await created.drop();
  });

  it('applies its indexes and schema version once, also when two instances start together', async () => {
    const [a, b] = [await openStore(), await openStore()];
    expect(await a.pendingMigrations()).toEqual([1]);
    const [ra, rb] = await Promise.all([a.migrate(), b.migrate()]);
    expect([...ra.applied, ...rb.applied]).toEqual([1]);
    expect([...ra.alreadyApplied, ...rb.alreadyApplied]).toEqual([1]);
    expect(await a.migrate()).toEqual({ applied: [], alreadyApplied: [1] });
    expect(await b.pendingMigrations()).toEqual([]);
    expect(a.transactions).toBe(target.name === 'real' ? a.transactions : false);
  });

  it('queues one job per dedupe key under concurrent intake, without a transaction on a standalone server', async () => {
    const store = await openStore();
    await store.migrate();
    const queue = store.queue({ leaseMs: 10_000, maxAttempts: 3 });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => queue.intake((uow) => uow.enqueue({ kind: 'k', lane: 'chat:1', payload: { n: 1 }, dedupeKey: 'wa:msg:1' }))),
    );
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect((await queue.depth()).pending).toBe(1);
    if (created.fake) expect(created.fake.commands).not.toContain('commitTransaction');
  });

  it('claims lane heads only, FIFO, and lets two instances share the queue without running a job twice', async () => {
    const [a, b] = [await openStore(), await openStore()];
    await a.migrate();
    const qa = a.queue({ leaseMs: 10_000, maxAttempts: 3 });
    const qb = b.queue({ leaseMs: 10_000, maxAttempts: 3 });
    for (let i = 0; i < 30; i++) await qa.enqueue({ kind: 'k', lane: `chat:${i % 5}`, payload: { i } });
    const ran: number[] = [];
    const order = new Map<string, number[]>();
    const work = async (q: typeof qa, worker: string) => {
      for (let idle = 0; idle < 5; ) {
        const jobs = await q.claim(worker, 3);
        if (jobs.length === 0) {
          idle += 1;
          continue;
        }
        idle = 0;
        for (const job of jobs) {
          ran.push(job.id);
          order.set(job.lane, [...(order.get(job.lane) ?? []), (job.payload as { i: number }).i]);
          expect(await q.complete(job, worker)).toBe(true);
        }
      }
    };
    await Promise.all([work(qa, 'a'), work(qb, 'b'), work(qa, 'a2'), work(qb, 'b2')]);
    expect(ran).toHaveLength(30);
    expect(new Set(ran).size).toBe(30);
    for (const [, seen] of order) expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(await qa.depth()).toEqual({ pending: 0, running: 0, done: 30, dead: 0 });
  });

  it('takes a job over when its lease expires, counting a crash, and fences the first worker out', async () => {
    let t = 1_000_000;
    const store = await openStore(() => t);
    await store.migrate();
    const queue = store.queue({ leaseMs: 1_000, maxAttempts: 3, clock: () => t });
    await queue.enqueue({ kind: 'k', lane: 'chat:1', payload: null });
    await queue.enqueue({ kind: 'k', lane: 'chat:1', payload: null });
    const [first] = await queue.claim('w1', 5);
    expect(first).toMatchObject({ attempts: 1, crashes: 0, resumed: false });
    expect(await queue.claim('w2', 5)).toEqual([]); // the lane's head runs; the next waits
    t += 1_001;
    const [again] = await queue.claim('w2', 5);
    expect(again).toMatchObject({ id: first!.id, attempts: 2, crashes: 1, resumed: true });
    expect(await queue.complete(first!, 'w1')).toBe(false);
    expect(await queue.fail(first!, 'w1', { message: 'late', retryable: true })).toEqual({ outcome: 'lost' });
    expect(await queue.complete(again!, 'w2')).toBe(true);
  });

  it('dead-letters, lists, retries and discards dead jobs; prunes finished ones', async () => {
    let t = 5_000_000;
    const store = await openStore(() => t);
    await store.migrate();
    const queue = store.queue({ leaseMs: 1_000, maxAttempts: 2, clock: () => t, random: () => 0 });
    await queue.enqueue({ kind: 'k', lane: 'chat:1', payload: { a: 1 } });
    const [job] = await queue.claim('w', 1);
    const retry = await queue.fail(job!, 'w', { message: 'try again', retryable: true });
    expect(retry.outcome).toBe('retry');
    t = (retry as { runAt: number }).runAt;
    const [second] = await queue.claim('w', 1);
    expect(await queue.fail(second!, 'w', { message: 'gave up', retryable: true })).toEqual({ outcome: 'dead' });
    expect(await queue.recentDead(5)).toEqual([expect.objectContaining({ id: job!.id, lastError: 'gave up', attempts: 2 })]);
    expect(await queue.retryDead(job!.id)).toBe(true);
    const [third] = await queue.claim('w', 1);
    expect(third).toMatchObject({ attempts: 1, crashes: 0 });
    await queue.fail(third!, 'w', { message: 'bad payload', retryable: false });
    expect(await queue.discardDead(job!.id)).toBe(true);
    expect(await queue.listJobs({ status: 'dead', limit: 5 })).toEqual([]);
    expect(await queue.pruneDone(t + 1)).toBe(1);
    expect(await queue.depth()).toEqual({ pending: 0, running: 0, done: 0, dead: 0 });
  });

  it.runIf(target.name === 'fake')('fails fast and transient when the server is away, permanent on a duplicate key', async () => {
    const store = await openStore();
    await store.migrate();
    const queue = store.queue({ leaseMs: 1_000, maxAttempts: 2 });
    await created.fake!.refuseConnections();
    const down = await queue.enqueue({ kind: 'k', lane: 'l', payload: null }).catch((e: unknown) => e);
    expect(describeStoreError(down)).toMatchObject({ transient: true });
    await created.fake!.acceptConnections();
    created.fake!.hang('insert', { count: 1 });
    const hung = await queue.enqueue({ kind: 'k', lane: 'l', payload: null }).catch((e: unknown) => e);
    expect(describeStoreError(hung)).toEqual({ transient: true, cause: 'the database did not answer in time' });
    created.fake!.failNext('findAndModify', { code: 11000, codeName: 'DuplicateKey', errmsg: 'E11000 duplicate key error' });
    const dup = await store.contacts.upsert({ chatId: 'c', transport: 'cloud', waId: 'c', phone: '', isGroup: false }).catch((e: unknown) => e);
    expect(describeStoreError(dup)).toMatchObject({ transient: false });
  });
});
