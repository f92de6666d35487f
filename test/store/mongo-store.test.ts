import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStoreError, StoreUnavailableError } from '../../src/store/errors.js';
import { openMongo, type MongoStore } from '../../src/store/mongo/index.js';
import { LATEST_VERSION, mongoMigrations } from '../../src/store/mongo/schema.js';
import { mongoTargets, type MongoTarget } from '../support/mongo.js';
import { until } from '../support/until.js';

type Created = Awaited<ReturnType<MongoTarget['create']>>;

/** Every schema version the store knows (each feature's collections add one). */
const ALL = mongoMigrations.map((m) => m.version);
const sorted = (versions: number[]) => [...versions].sort((x, y) => x - y);

/** What only the MongoDB store does; the behaviour every store shares is in mongo-contract.test.ts. */
describe.each(mongoTargets)('MongoDB store on the $name server', (target) => {
  let created: Created;
  const open: MongoStore[] = [];
  const openStore = async () => {
    const store = await openMongo(created.url);
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
    expect(await a.pendingMigrations()).toEqual(ALL);
    expect(await a.schemaVersion()).toBeUndefined();
    const [ra, rb] = await Promise.all([a.migrate(), b.migrate()]);
    // Each version applied by one of them, found applied by the other.
    expect(sorted([...ra.applied, ...rb.applied])).toEqual(ALL);
    expect(sorted([...ra.alreadyApplied, ...rb.alreadyApplied])).toEqual(ALL);
    expect(await a.migrate()).toEqual({ applied: [], alreadyApplied: ALL });
    expect(await b.pendingMigrations()).toEqual([]);
    expect(await b.schemaVersion()).toBe(LATEST_VERSION);
  });

  it.runIf(target.name === 'fake')('waits out another instance’s build of the same indexes', async () => {
    created.fake!.failNext('createIndexes', { code: 276, codeName: 'IndexBuildAborted', errmsg: 'index build aborted: another build of it took over' }, 2);
    const store = await openStore();
    expect(await store.migrate()).toEqual({ applied: ALL, alreadyApplied: [] });
    expect(created.fake!.commands.filter((c) => c === 'createIndexes').length).toBeGreaterThan(2);
  });

  it('runs a retried older dead job of a lane only after the lane’s running job finished', async () => {
    const store = await openStore();
    await store.migrate();
    const queue = store.queue({ leaseMs: 60_000, maxAttempts: 3 });
    const { id: older } = await queue.enqueue({ kind: 'k', lane: 'chat:1', payload: 'older' });
    const [first] = await queue.claim('w', 5);
    await queue.fail(first!, 'w', { message: 'bad', retryable: false });
    await queue.enqueue({ kind: 'k', lane: 'chat:1', payload: 'newer' });
    const [newer] = await queue.claim('w', 5);
    expect(newer!.payload).toBe('newer');
    expect(await queue.retryDead(older!)).toBe(true);
    expect(await queue.claim('w', 5)).toEqual([]); // the lane runs one job at a time, even out of order
    await queue.complete(newer!, 'w');
    expect((await queue.claim('w', 5)).map((j) => j.payload)).toEqual(['older']);
  });

  it('refuses, in one line, a database whose schema is newer than this release', async () => {
    const client = new MongoClient(created.url);
    try {
      await client.connect();
      await client.db().collection<{ _id: number }>('switchboard.schema_versions').insertOne({ _id: 99, name: 'from the future', appliedAt: 0 } as never);
    } finally {
      await client.close();
    }
    const store = await openStore();
    const err = await store.migrate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toBe(
      `DATABASE_URL: the MongoDB database has schema version 99, newer than this Switchboard knows (${LATEST_VERSION}); run the newer release or a backup from before it`,
    );
  });

  it.runIf(target.name === 'fake')('runs intake without transactions on a standalone server', async () => {
    const store = await openStore();
    await store.migrate();
    expect(store.transactions).toBe(false);
    const queue = store.queue({ leaseMs: 10_000, maxAttempts: 3 });
    await queue.intake(async (uow) => {
      await uow.identities.claim('16505551234', [{ kind: 'phone', value: '16505551234' }], 1);
      return uow.enqueue({ kind: 'k', lane: 'chat:16505551234', payload: null, dedupeKey: 'wa:msg:1' });
    });
    expect(created.fake!.commands.filter((c) => /transaction/i.test(c))).toEqual([]);
    // The insert that lets the webhook answer 200 waits for the journal (and a majority, on a replica set).
    expect(created.fake!.received('insert').filter((c) => c.insert === 'switchboard.jobs').map((c) => c.writeConcern)).toEqual([{ w: 'majority', j: true }]);
    expect(created.fake!.documents('switchboard', 'switchboard.jobs')).toEqual([expect.objectContaining({ dedupeKey: 'wa:msg:1', status: 'pending' })]);
  });

  it.runIf(target.name === 'fake')('fails fast and transient when the server is away or hangs, permanent on a duplicate key', async () => {
    const store = await openStore();
    await store.migrate();
    const queue = store.queue({ leaseMs: 1_000, maxAttempts: 2 });
    await created.fake!.refuseConnections();
    const down = await queue.enqueue({ kind: 'k', lane: 'l', payload: null }).catch((e: unknown) => e);
    expect(describeStoreError(down)).toMatchObject({ transient: true });
    await created.fake!.acceptConnections();
    // The driver finds the server again at its next health check.
    await until(() => store.ping().then(() => true, () => false), 'the store to answer again');
    created.fake!.hang('insert', { count: 1 });
    const hung = await queue.enqueue({ kind: 'k', lane: 'l', payload: null }).catch((e: unknown) => e);
    expect(describeStoreError(hung)).toEqual({ transient: true, cause: 'the database did not answer in time' });
    created.fake!.failNext('findAndModify', { code: 11000, codeName: 'DuplicateKey', errmsg: 'E11000 duplicate key error' });
    const dup = await store.contacts.upsert({ chatId: 'c', transport: 'cloud', waId: 'c', phone: '', isGroup: false }).catch((e: unknown) => e);
    expect(describeStoreError(dup)).toMatchObject({ transient: false });
  });

  it.runIf(target.name === 'fake')('stops start-up with one line when the server cannot be reached', async () => {
    await created.fake!.refuseConnections();
    const err = await openMongo(created.url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/^DATABASE_URL: could not reach MongoDB at 127\.0\.0\.1:\d+\/switchboard within 500 ms \(connect ECONNREFUSED [^)]+\): check the URL/);
  });
});

describe('opening a MongoDB store', () => {
  it('says in one line, without the password, that a mongodb+srv:// host cannot be looked up', async () => {
    const err = await openMongo('mongodb+srv://user:secret@cluster0.example.invalid/slackwhatsapp?retryWrites=true&w=majority').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/^DATABASE_URL: could not look up MongoDB at cluster0\.example\.invalid\/slackwhatsapp \(querySrv \w+ _mongodb\._tcp\.cluster0\.example\.invalid\): check the host name/);
    expect((err as Error).message).not.toContain('secret');
  });
});
