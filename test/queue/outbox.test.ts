import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeCreated, storeFixtures } from '../support/stores.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import type { Job, Outbox } from '../../src/store/outbox.js';

describe.each(storeFixtures)('outbox on $name', (fixture) => {
  let created: Awaited<ReturnType<typeof fixture.create>>;
  let store: SqlStore;
  let outbox: Outbox;
  let clock: number;
  const LEASE = 30_000;

  beforeEach(async () => {
    created = await fixture.create();
    store = await created.open();
    await store.migrate();
    clock = 1_000_000;
    outbox = store.queue({ leaseMs: LEASE, maxAttempts: 3, clock: () => clock, random: () => 0.5 });
  });
  afterEach(async () => {
    await closeCreated(store, created);
    store = created = undefined as never;
  });

  it('ignores a second job with the same dedupe key', async () => {
    const a = await outbox.enqueue({ kind: 'k', lane: 'l', payload: { n: 1 }, dedupeKey: 'wamid.1' });
    const b = await outbox.enqueue({ kind: 'k', lane: 'l', payload: { n: 2 }, dedupeKey: 'wamid.1' });
    expect(a.inserted).toBe(true);
    expect(b).toEqual({ inserted: false, id: null });
    const jobs = await outbox.claim('w', 10);
    expect(jobs.map((j) => j.payload)).toEqual([{ n: 1 }]);
  });

  it('enqueues inside intake’s unit of work and vanishes with its rollback', async () => {
    await expect(
      outbox.intake(async (uow) => {
        await uow.enqueue({ kind: 'k', lane: 'l', payload: 1, dedupeKey: 'e1' });
        throw new Error('event not recorded');
      }),
    ).rejects.toThrow();
    expect(await outbox.claim('w', 10)).toEqual([]);
    // The key is free again: the retried delivery of the same event is accepted.
    expect((await outbox.enqueue({ kind: 'k', lane: 'l', payload: 1, dedupeKey: 'e1' })).inserted).toBe(true);
  });

  it('hands out one job per lane at a time, in order, and lanes in parallel', async () => {
    for (const [lane, n] of [['a', 1], ['a', 2], ['b', 1], ['a', 3], ['b', 2]] as const) {
      await outbox.enqueue({ kind: 'k', lane, payload: n });
    }
    const first = await outbox.claim('w', 10);
    expect(first.map((j) => [j.lane, j.payload])).toEqual([['a', 1], ['b', 1]]);
    expect(await outbox.claim('w', 10)).toEqual([]);
    await outbox.complete(first[0]!, 'w');
    const next = await outbox.claim('w', 10);
    expect(next.map((j) => [j.lane, j.payload])).toEqual([['a', 2]]);
  });

  it('hands out a head an earlier claim saw only while it is still due and still its lane’s head', async () => {
    for (const lane of ['a', 'b', 'c']) await outbox.enqueue({ kind: 'k', lane, payload: `${lane}1` });
    await outbox.enqueue({ kind: 'k', lane: 'c', payload: 'c2' });
    const other = store.queue({ leaseMs: LEASE, maxAttempts: 3, clock: () => clock, random: () => 0.5 });
    // This claim sees the heads of a, b and c and takes a1.
    expect((await outbox.claim('w', 1)).map((j) => j.payload)).toEqual(['a1']);
    // Meanwhile another worker takes b1, and c1 finishes there.
    expect((await other.claim('w2', 2)).map((j) => j.payload)).toEqual(['b1', 'c1']);
    const c1 = (await store.db.selectFrom('jobs').select(['id', 'attempts']).where('payload', '=', '"c1"').executeTakeFirstOrThrow());
    await other.complete({ id: Number(c1.id), attempts: c1.attempts } as Job, 'w2');
    // What the first claim saw is stale: b1 is taken, c1 done; c's head is c2 now.
    expect((await outbox.claim('w', 3)).map((j) => j.payload)).toEqual(['c2']);
  });

  it('retries with back-off, keeping the lane blocked behind the failed job', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 2 });
    const [job] = await outbox.claim('w', 10);
    const result = await outbox.fail(job!, 'w', { message: 'slack 500', retryable: true });
    expect(result.outcome).toBe('retry');
    // attempt 1, base 1 s, equal jitter with random 0.5 → 750 ms.
    expect(result.outcome === 'retry' && result.runAt - clock).toBe(750);
    expect(await outbox.claim('w', 10)).toEqual([]);
    clock += 750;
    const again = await outbox.claim('w', 10);
    expect(again.map((j) => [j.payload, j.attempts])).toEqual([[1, 2]]);
  });

  it('waits at least the Retry-After the error carried', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [job] = await outbox.claim('w', 1);
    const result = await outbox.fail(job!, 'w', { message: 'ratelimited', retryable: true, retryAfterMs: 30_000, rateLimited: true });
    expect(result.outcome === 'retry' && result.runAt - clock).toBeGreaterThanOrEqual(30_000);
    clock += 29_999;
    expect(await outbox.claim('w', 1)).toEqual([]);
    clock += 2_000;
    const [back] = await outbox.claim('w', 1);
    // A rate limit did not use up an attempt.
    expect(back?.attempts).toBe(1);
  });

  it('dead-letters after max attempts with the reason kept, and frees the lane', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 2 });
    for (let i = 1; i <= 3; i++) {
      clock += 60 * 60_000;
      const [job] = await outbox.claim('w', 1);
      expect(job?.payload).toBe(1);
      const r = await outbox.fail(job!, 'w', { message: `failure ${i}`, retryable: true });
      expect(r.outcome).toBe(i < 3 ? 'retry' : 'dead');
    }
    const dead = await outbox.recentDead(5);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 3, lastError: 'failure 3', lane: 'a' });
    expect((await outbox.claim('w', 1)).map((j) => j.payload)).toEqual([2]);
    expect(await outbox.depth()).toMatchObject({ dead: 1, running: 1, pending: 0 });
  });

  it('dead-letters a permanent failure at once', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [job] = await outbox.claim('w', 1);
    expect((await outbox.fail(job!, 'w', { message: 'channel_not_found', retryable: false })).outcome).toBe('dead');
  });

  it('gives an expired lease to another worker and fences the old one out', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [mine] = await outbox.claim('crashed', 1);
    clock += LEASE - 1;
    expect(await outbox.claim('other', 1)).toEqual([]);
    clock += 2;
    const [theirs] = await outbox.claim('other', 1);
    expect(theirs?.id).toBe(mine?.id);
    expect(theirs?.attempts).toBe(2);
    expect(await outbox.complete(mine!, 'crashed')).toBe(false);
    expect(await outbox.complete(theirs!, 'other')).toBe(true);
  });

  it('extends the lease of a job that is still running', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [job] = await outbox.claim('w', 1);
    clock += LEASE - 10;
    await outbox.extendLeases([job!.id], 'w');
    clock += LEASE - 10;
    expect(await outbox.claim('other', 1)).toEqual([]);
  });

  it('takes a released job back without spending an attempt', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [job] = await outbox.claim('w', 1);
    await outbox.release(job!, 'w');
    const [again] = await outbox.claim('w2', 1);
    expect(again?.attempts).toBe(1);
  });

  it('tells a run that an earlier one started: after a failure, a lease expiry or a give-back at shutdown', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [first] = await outbox.claim('w', 1);
    expect(first).toMatchObject({ resumed: false, crashes: 0 });
    clock += 1;
    await outbox.release(first!, 'w');
    const [afterRelease] = await outbox.claim('w', 1);
    expect(afterRelease).toMatchObject({ resumed: true, attempts: 1, crashes: 0 });
  });

  it('counts every expired lease as a crash and an attempt', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    await outbox.claim('w1', 1);
    clock += LEASE + 1;
    const [second] = await outbox.claim('w2', 1);
    expect(second).toMatchObject({ attempts: 2, crashes: 1, resumed: true });
    clock += LEASE + 1;
    const [third] = await outbox.claim('w3', 1);
    expect(third).toMatchObject({ attempts: 3, crashes: 2 });
    // The crashes used up the attempts: this one's failure is its last.
    expect(await outbox.fail(third!, 'w3', { message: 'x', retryable: true, retryAfterMs: 0 })).toEqual({ outcome: 'dead' });
  });

  it('does not count a failure that was recorded as a crash', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [first] = await outbox.claim('w1', 1);
    await outbox.fail(first!, 'w1', { message: 'x', retryable: true, retryAfterMs: 0 });
    clock += 1_000;
    const [second] = await outbox.claim('w1', 1);
    expect(second).toMatchObject({ attempts: 2, crashes: 0, resumed: true });
  });

  it('releases every job left running by a dead process at once, counting the crash', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    await outbox.enqueue({ kind: 'k', lane: 'b', payload: 2 });
    await outbox.enqueue({ kind: 'k', lane: 'c', payload: 3 });
    await outbox.claim('dead-process', 2);
    // Long before their leases would expire.
    clock += 1;
    expect(await outbox.releaseAbandoned()).toBe(2);
    const jobs = await outbox.claim('new-process', 10);
    expect(jobs.map((j) => [j.payload, j.crashes, j.resumed])).toEqual([
      [1, 1, true],
      [2, 1, true],
      [3, 0, false],
    ]);
  });

  it('prunes finished jobs but keeps dead ones', async () => {
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    await outbox.enqueue({ kind: 'k', lane: 'b', payload: 2 });
    const [a, b] = await outbox.claim('w', 2);
    await outbox.complete(a!, 'w');
    await outbox.fail(b!, 'w', { message: 'x', retryable: false });
    clock += 1;
    expect(await outbox.pruneDone(clock)).toBe(1);
    expect(await outbox.depth()).toMatchObject({ done: 0, dead: 1 });
  });
});
