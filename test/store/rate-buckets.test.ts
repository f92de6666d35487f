import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { sqlDb } from '../../src/store/sql-store.js';
import { postgresFixture, useMigratedStore } from '../support/stores.js';

/** Slow enough that no token comes back while a test runs: every answer is decided by the burst alone. */
const SLOW = { perSecond: 0.01, burst: 3 };

/** The contract (test/store/contract/buckets.ts) covers taking and pausing; this ages rows by hand, in SQL. */
describe('shared rate buckets on PostgreSQL', () => {
  const ctx = useMigratedStore(postgresFixture);

  it('prunes only rows that answer as a missing row would', async () => {
    const buckets = ctx.store.rateBuckets;
    const fast = { perSecond: 1000, burst: 1 };
    await buckets.take('graph:pair:idle', fast);
    await buckets.take('graph:pair:recent', fast);
    await buckets.take('graph:pair:empty', SLOW);
    await buckets.pause('graph:pair:paused', 3_600_000, fast);
    // Age every row but the recent one by two hours.
    await sql`update rate_buckets set updated_at = updated_at - 7200000 where key <> 'graph:pair:recent'`.execute(sqlDb(ctx.store));
    await sql`update rate_buckets set tat = tat - 7200000 where key = 'graph:pair:idle'`.execute(sqlDb(ctx.store));

    expect(await buckets.prune(60 * 60_000)).toBe(1);
    const { rows } = await sql<{ key: string }>`select key from rate_buckets order by key`.execute(sqlDb(ctx.store));
    expect(rows.map((r) => r.key)).toEqual(['graph:pair:empty', 'graph:pair:paused', 'graph:pair:recent']);
  });
});
