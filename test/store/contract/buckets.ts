import { expect, it } from 'vitest';
import { until } from '../../support/until.js';
import type { ContractContext } from './context.js';

/** Slow enough that no token comes back while a case runs: every answer is decided by the burst alone. */
const SLOW = { perSecond: 0.01, burst: 3 };

/**
 * Rate buckets. PostgreSQL keeps time by the database's clock, the others by the suite's: the cases
 * hold whichever clock applies (a slow refill, upper and lower bounds, polling where time must pass).
 */
export function bucketCases(ctx: ContractContext): void {
  it('grants a burst, then says how long to wait for the next token, per key', async () => {
    const buckets = ctx.store.rateBuckets;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await buckets.take('slack:C1', SLOW));
    expect(answers.slice(0, 3)).toEqual([0, 0, 0]);
    // One token comes back every 100 s at 0.01/s; at most a few ms have passed since the burst.
    expect(answers[3]).toBeGreaterThan(90_000);
    expect(answers[3]).toBeLessThanOrEqual(100_000);
    expect(await buckets.take('slack:C2', SLOW)).toBe(0);
  });

  it('holds a key through a pause for every instance, then lets one through rather than a burst', async () => {
    const a = ctx.store.rateBuckets;
    const b = ctx.options.multiInstance ? (await ctx.another()).rateBuckets : a;
    await a.pause('graph:number:1', 30_000, SLOW);
    const wait = await b.take('graph:number:1', SLOW);
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    // A pause that is already over: one request conforms, the next waits a whole interval.
    await a.pause('slack:C9', 0, SLOW);
    expect(await b.take('slack:C9', SLOW)).toBe(0);
    expect(await b.take('slack:C9', SLOW)).toBeGreaterThan(90_000);
    // A later, shorter pause never shortens a longer one.
    await a.pause('graph:number:1', 1_000, SLOW);
    expect(await b.take('graph:number:1', SLOW)).toBeGreaterThan(25_000);
    expect(await b.take('graph:number:2', SLOW)).toBe(0);
  });

  it('prunes only buckets that answer as a missing one would', async () => {
    const buckets = ctx.store.rateBuckets;
    await buckets.take('slow', SLOW);
    await buckets.take('fast', { perSecond: 1_000, burst: 1 });
    // The slow bucket is not full again for 100 s: it must stay, or its next take would be granted.
    let pruned = await buckets.prune(0);
    expect(pruned).toBeLessThanOrEqual(1);
    ctx.clock.now += 10;
    await until(async () => {
      ctx.clock.now += 1;
      pruned += await buckets.prune(0);
      return pruned >= 1;
    }, 'the full bucket to be pruned');
    expect(pruned).toBe(1);
    expect(await buckets.take('slow', { ...SLOW, burst: 1 })).toBeGreaterThan(0);
  });

  if (ctx.options.multiInstance) {
    it('never grants more than the burst to instances taking at once', async () => {
      const a = ctx.store.rateBuckets;
      const b = (await ctx.another()).rateBuckets;
      const limit = { perSecond: 0.01, burst: 5 };
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).take('slack:C1', limit)));
      expect(answers.filter((w) => w === 0)).toHaveLength(5);
    });
  }
}
