import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A limit in GCRA terms: one request per `intervalMs`, up to `burst` back to back from rest. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

/**
 * Token buckets in PostgreSQL, shared by every instance on the database (table `rate_buckets`,
 * migration 6). Each key is one row holding GCRA's "theoretical arrival time" (tat): a request at
 * `now` conforms when `max(tat, now) - now <= (burst - 1) * interval`, and then moves tat on by one
 * interval. That is a token bucket of size `burst` refilled at `perSecond`, kept in one number.
 *
 * Every operation is one statement: the upsert takes the row lock, so two instances taking from
 * one key are serialised by PostgreSQL, and the clock is the database's (`clock_timestamp()`), so
 * the instances' own clocks need not agree.
 */
export interface RateBuckets {
  /** Takes one request's worth from `key`: 0 when granted, otherwise the milliseconds to wait before asking again. */
  take(key: string, limit: BucketLimit): Promise<number>;
  /** Nothing for `key` is granted for `ms` (a vendor's Retry-After), and afterwards one at a time, not a burst. */
  pause(key: string, ms: number, limit: BucketLimit): Promise<void>;
  /**
   * Deletes rows idle for `idleMs` whose bucket is full again and not paused: such a row answers
   * exactly as a missing one does, so this changes no decision (it keeps one row per recipient from
   * piling up). Returns how many went.
   */
  prune(idleMs: number): Promise<number>;
}

const NOW_MS = sql<number>`floor(extract(epoch from clock_timestamp()) * 1000)::bigint`;

function gcra(limit: BucketLimit): { interval: number; tolerance: number } {
  const interval = 1000 / limit.perSecond;
  return { interval, tolerance: Math.max(0, limit.burst - 1) * interval };
}

export function createRateBuckets(db: Kysely<Database>): RateBuckets {
  return {
    async take(key, limit) {
      const { interval, tolerance } = gcra(limit);
      // `excluded.updated_at` is this statement's now; SET expressions read the row as it was.
      const base = sql`greatest(b.tat, excluded.updated_at)`;
      const paused = sql`b.paused_until > excluded.updated_at`;
      const conforms = sql`${base} - excluded.updated_at <= ${tolerance}::float8`;
      const { rows } = await sql<{ wait_ms: number }>`
        insert into rate_buckets as b (key, tat, paused_until, wait_ms, updated_at)
        select ${key}, c.now + ${interval}::float8, 0, 0, c.now from (select ${NOW_MS} as now) c
        on conflict (key) do update set
          wait_ms = case
            when ${paused} then b.paused_until - excluded.updated_at
            when ${conforms} then 0
            else ${base} - excluded.updated_at - ${tolerance}::float8 end,
          tat = case when not (${paused}) and ${conforms} then ${base} + ${interval}::float8 else b.tat end,
          updated_at = excluded.updated_at
        returning wait_ms`.execute(db);
      return Number(rows[0]?.wait_ms ?? 0);
    },

    async pause(key, ms, limit) {
      const { tolerance } = gcra(limit);
      const until = Math.ceil(ms);
      // tat = until + tolerance: at `until` exactly one request conforms, then one per interval.
      await sql`
        insert into rate_buckets as b (key, tat, paused_until, wait_ms, updated_at)
        select ${key}, c.now + ${until} + ${tolerance}::float8, c.now + ${until}, 0, c.now from (select ${NOW_MS} as now) c
        on conflict (key) do update set
          paused_until = greatest(b.paused_until, excluded.paused_until),
          tat = greatest(b.tat, excluded.tat),
          updated_at = excluded.updated_at`.execute(db);
    },

    async prune(idleMs) {
      const result = await sql`
        delete from rate_buckets
        where updated_at < ${NOW_MS} - ${Math.ceil(idleMs)} and tat < ${NOW_MS} and paused_until < ${NOW_MS}`.execute(db);
      return Number(result.numAffectedRows ?? 0n);
    },
  };
}
