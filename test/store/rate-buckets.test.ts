import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresFixture, useMigratedStore } from '../support/stores.js';

/** Slow enough that no token comes back while a test runs: every answer is decided by the burst alone. */
const SLOW = { perSecond: 0.01, burst: 3 };

describe('shared rate buckets on PostgreSQL', () => {
  const ctx = useMigratedStore(postgresFixture);

  it('grants a burst, then says how long to wait for the next token', async () => {
    const buckets = ctx.store.rateBuckets;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await buckets.take('slack:C1', SLOW));
    expect(answers.slice(0, 3)).toEqual([0, 0, 0]);
    // One token comes back every 100 s at 0.01/s; a few ms have passed since the burst.
    expect(answers[3]).toBeGreaterThan(90_000);
    expect(answers[3]).toBeLessThanOrEqual(100_000);
    expect(await buckets.take('slack:C2', SLOW)).toBe(0);
  });

  it('never grants more than the burst to instances taking at once', async () => {
    const other = await ctx.created.open();
    try {
      const a = ctx.store.rateBuckets;
      const b = other.rateBuckets;
      const limit = { perSecond: 0.01, burst: 5 };
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).take('slack:C1', limit)));
      expect(answers.filter((w) => w === 0)).toHaveLength(5);
    } finally {
      await other.close();
    }
  });

  it('holds a key through a pause for every instance, then lets one through rather than a burst', async () => {
    const other = await ctx.created.open();
    try {
      const a = ctx.store.rateBuckets;
      const b = other.rateBuckets;
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
    } finally {
      await other.close();
    }
  });

  it('prunes only rows that answer as a missing row would', async () => {
    const buckets = ctx.store.rateBuckets;
    const fast = { perSecond: 1000, burst: 1 };
    await buckets.take('graph:pair:idle', fast);
    await buckets.take('graph:pair:recent', fast);
    await buckets.take('graph:pair:empty', SLOW);
    await buckets.pause('graph:pair:paused', 3_600_000, fast);
    // Age every row but the recent one by two hours.
    await sql`update rate_buckets set updated_at = updated_at - 7200000 where key <> 'graph:pair:recent'`.execute(ctx.store.db);
    await sql`update rate_buckets set tat = tat - 7200000 where key = 'graph:pair:idle'`.execute(ctx.store.db);

    expect(await buckets.prune(60 * 60_000)).toBe(1);
    const { rows } = await sql<{ key: string }>`select key from rate_buckets order by key`.execute(ctx.store.db);
    expect(rows.map((r) => r.key)).toEqual(['graph:pair:empty', 'graph:pair:paused', 'graph:pair:recent']);
  });
});
