import { expect, it } from 'vitest';
import { LEASE_MS, type ContractContext } from './context.js';

/** The queue: de-duplication, lane order, back-off, leases and take-over, crashes, dead letters. */
export function queueCases(ctx: ContractContext): void {
  it('ignores a second job with the same dedupe key', async () => {
    const outbox = ctx.queue();
    const a = await outbox.enqueue({ kind: 'k', lane: 'l', payload: { n: 1 }, dedupeKey: 'wamid.1' });
    const b = await outbox.enqueue({ kind: 'k', lane: 'l', payload: { n: 2 }, dedupeKey: 'wamid.1' });
    expect(a).toEqual({ inserted: true, id: expect.any(Number) });
    expect(b).toEqual({ inserted: false, id: null });
    expect((await outbox.claim('w', 10)).map((j) => j.payload)).toEqual([{ n: 1 }]);
  });

  it('hands out one job per lane at a time, in order, and lanes in parallel', async () => {
    const outbox = ctx.queue();
    for (const [lane, n] of [['a', 1], ['a', 2], ['b', 1], ['a', 3], ['b', 2]] as const) await outbox.enqueue({ kind: 'k', lane, payload: n });
    const first = await outbox.claim('w', 10);
    expect(first.map((j) => [j.lane, j.payload])).toEqual([['a', 1], ['b', 1]]);
    expect(await outbox.claim('w', 10)).toEqual([]);
    await outbox.complete(first[0]!, 'w');
    expect((await outbox.claim('w', 10)).map((j) => [j.lane, j.payload])).toEqual([['a', 2]]);
  });

  it('hands out the oldest due heads first, at most the limit', async () => {
    const outbox = ctx.queue();
    for (const lane of ['c', 'a', 'b']) await outbox.enqueue({ kind: 'k', lane, payload: lane });
    expect((await outbox.claim('w', 2)).map((j) => j.payload)).toEqual(['c', 'a']);
    expect((await outbox.claim('w', 0))).toEqual([]);
  });

  it('does not hand out a job before its time', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1, runAt: ctx.clock.now + 5_000 });
    expect(await outbox.claim('w', 1)).toEqual([]);
    ctx.clock.now += 5_000;
    expect((await outbox.claim('w', 1)).map((j) => j.payload)).toEqual([1]);
  });

  it('hands out a head an earlier claim saw only while it is still due and still its lane’s head', async () => {
    const outbox = ctx.queue();
    for (const lane of ['a', 'b', 'c']) await outbox.enqueue({ kind: 'k', lane, payload: `${lane}1` });
    await outbox.enqueue({ kind: 'k', lane: 'c', payload: 'c2' });
    const other = ctx.queue();
    expect((await outbox.claim('w', 1)).map((j) => j.payload)).toEqual(['a1']);
    // Meanwhile another worker takes b1, and c1 finishes there.
    const theirs = await other.claim('w2', 2);
    expect(theirs.map((j) => j.payload)).toEqual(['b1', 'c1']);
    expect(await other.complete(theirs[1]!, 'w2')).toBe(true);
    expect((await outbox.claim('w', 3)).map((j) => j.payload)).toEqual(['c2']);
  });

  it('retries with back-off, keeping the lane blocked behind the failed job', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 2 });
    const [job] = await outbox.claim('w', 10);
    const result = await outbox.fail(job!, 'w', { message: 'slack 500', retryable: true });
    // attempt 1, base 1 s, equal jitter with random 0.5 → 750 ms.
    expect(result).toEqual({ outcome: 'retry', runAt: ctx.clock.now + 750 });
    expect(await outbox.claim('w', 10)).toEqual([]);
    ctx.clock.now += 750;
    expect((await outbox.claim('w', 10)).map((j) => [j.payload, j.attempts, j.lastError])).toEqual([[1, 2, 'slack 500']]);
  });

  it('waits at least the Retry-After the error carried, without spending an attempt on a rate limit', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [job] = await outbox.claim('w', 1);
    const result = await outbox.fail(job!, 'w', { message: 'ratelimited', retryable: true, retryAfterMs: 30_000, rateLimited: true });
    expect(result.outcome === 'retry' && result.runAt - ctx.clock.now).toBeGreaterThanOrEqual(30_000);
    ctx.clock.now += 29_999;
    expect(await outbox.claim('w', 1)).toEqual([]);
    ctx.clock.now += 2_000;
    expect((await outbox.claim('w', 1))[0]?.attempts).toBe(1);
  });

  it('dead-letters after max attempts with the reason kept, and frees the lane', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 2 });
    for (let i = 1; i <= 3; i++) {
      ctx.clock.now += 60 * 60_000;
      const [job] = await outbox.claim('w', 1);
      expect(job?.payload).toBe(1);
      expect((await outbox.fail(job!, 'w', { message: `failure ${i}`, retryable: true })).outcome).toBe(i < 3 ? 'retry' : 'dead');
    }
    const dead = await outbox.recentDead(5);
    expect(dead).toEqual([{ id: expect.any(Number), kind: 'k', lane: 'a', attempts: 3, lastError: 'failure 3', finishedAt: ctx.clock.now }]);
    expect((await outbox.claim('w', 1)).map((j) => j.payload)).toEqual([2]);
    expect(await outbox.depth()).toEqual({ dead: 1, running: 1, pending: 0, done: 0 });
  });

  it('dead-letters a permanent failure at once, and honours a job’s own attempt budget', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    await outbox.enqueue({ kind: 'k', lane: 'b', payload: 2, maxAttempts: 1 });
    const [a, b] = await outbox.claim('w', 2);
    expect(await outbox.fail(a!, 'w', { message: 'channel_not_found', retryable: false })).toEqual({ outcome: 'dead' });
    expect(b?.maxAttempts).toBe(1);
    expect(await outbox.fail(b!, 'w', { message: 'timeout', retryable: true })).toEqual({ outcome: 'dead' });
  });

  it('gives an expired lease to another worker and fences the old one out', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [mine] = await outbox.claim('crashed', 1);
    ctx.clock.now += LEASE_MS - 1;
    expect(await outbox.claim('other', 1)).toEqual([]);
    ctx.clock.now += 2;
    const [theirs] = await outbox.claim('other', 1);
    expect(theirs).toMatchObject({ id: mine!.id, attempts: 2, crashes: 1, resumed: true });
    expect(await outbox.complete(mine!, 'crashed')).toBe(false);
    expect(await outbox.fail(mine!, 'crashed', { message: 'late', retryable: true })).toEqual({ outcome: 'lost' });
    await outbox.release(mine!, 'crashed');
    expect(await outbox.complete(theirs!, 'other')).toBe(true);
    expect(await outbox.depth()).toMatchObject({ done: 1, running: 0, pending: 0 });
  });

  it('extends the lease of a job that is still running, only for its worker', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [job] = await outbox.claim('w', 1);
    ctx.clock.now += LEASE_MS - 10;
    await outbox.extendLeases([job!.id], 'someone-else');
    await outbox.extendLeases([job!.id], 'w');
    ctx.clock.now += LEASE_MS - 10;
    expect(await outbox.claim('other', 1)).toEqual([]);
    ctx.clock.now += 20;
    expect(await outbox.claim('other', 1)).toHaveLength(1);
  });

  it('takes a released job back without spending an attempt, and tells the run an earlier one started', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [first] = await outbox.claim('w', 1);
    expect(first).toMatchObject({ resumed: false, crashes: 0, attempts: 1, createdAt: ctx.clock.now });
    ctx.clock.now += 1;
    await outbox.release(first!, 'w');
    const [again] = await outbox.claim('w2', 1);
    expect(again).toMatchObject({ resumed: true, attempts: 1, crashes: 0 });
  });

  it('takes a job claimed ahead and never started back as it was; one that had run before stays resumed', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [ahead] = await outbox.claim('w', 1);
    ctx.clock.now += 1;
    await outbox.release(ahead!, 'w', { started: false });
    const [first] = await outbox.claim('w2', 1);
    expect(first).toMatchObject({ resumed: false, attempts: 1, crashes: 0 });
    // This attempt runs and is given back at shutdown; the next, claimed ahead, is given back unrun.
    ctx.clock.now += 1;
    await outbox.release(first!, 'w2');
    const [second] = await outbox.claim('w3', 1);
    expect(second).toMatchObject({ resumed: true, attempts: 1 });
    ctx.clock.now += 1;
    await outbox.release(second!, 'w3', { started: false });
    expect((await outbox.claim('w4', 1))[0]).toMatchObject({ resumed: true, attempts: 1, crashes: 0 });
  });

  it('counts every expired lease as a crash and an attempt', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    await outbox.claim('w1', 1);
    ctx.clock.now += LEASE_MS + 1;
    expect((await outbox.claim('w2', 1))[0]).toMatchObject({ attempts: 2, crashes: 1, resumed: true });
    ctx.clock.now += LEASE_MS + 1;
    const [third] = await outbox.claim('w3', 1);
    expect(third).toMatchObject({ attempts: 3, crashes: 2 });
    // The crashes used up the attempts: this one's failure is its last.
    expect(await outbox.fail(third!, 'w3', { message: 'x', retryable: true, retryAfterMs: 0 })).toEqual({ outcome: 'dead' });
  });

  it('does not count a failure that was recorded as a crash', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [first] = await outbox.claim('w1', 1);
    await outbox.fail(first!, 'w1', { message: 'x', retryable: true, retryAfterMs: 0 });
    ctx.clock.now += 1_000;
    expect((await outbox.claim('w1', 1))[0]).toMatchObject({ attempts: 2, crashes: 0, resumed: true });
  });

  it('releases every job left running by a dead process at once, counting the crash', async () => {
    const outbox = ctx.queue();
    for (const [lane, n] of [['a', 1], ['b', 2], ['c', 3]] as const) await outbox.enqueue({ kind: 'k', lane, payload: n });
    await outbox.claim('dead-process', 2);
    ctx.clock.now += 1;
    expect(await outbox.releaseAbandoned()).toBe(2);
    expect((await outbox.claim('new-process', 10)).map((j) => [j.payload, j.crashes, j.resumed])).toEqual([
      [1, 1, true],
      [2, 1, true],
      [3, 0, false],
    ]);
  });

  it('gives back a payload equal to the one queued, as plain data', async () => {
    const outbox = ctx.queue();
    const payload = { text: 'Olá, tudo bem? 👋', n: 1.5, list: [1, 'two', null], nested: { flag: true } };
    await outbox.enqueue({ kind: 'k', lane: 'a', payload });
    const [job] = await outbox.claim('w', 1);
    expect(job?.payload).toEqual(payload);
    expect(job?.payload).not.toBe(payload);
  });
}
