import { sql, type Kysely } from 'kysely';
import { gcra, pauseStep, takeStep, type BucketState, type RateBuckets } from '../core/store/rate-buckets.js';
import type { Database } from './schema.js';

export type { BucketLimit, RateBuckets } from '../core/store/rate-buckets.js';

/**
 * Token buckets (the RateBuckets port) in the `rate_buckets` table (migration 6).
 *
 * On PostgreSQL every operation is one statement: the upsert takes the row lock, so two instances
 * taking from one key are serialised by PostgreSQL, and the clock is the database's
 * (`clock_timestamp()`), so the instances' own clocks need not agree.
 */
const NOW_MS = sql<number>`floor(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export function createPostgresRateBuckets(db: Kysely<Database>): RateBuckets {
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

/**
 * SQLite: one process paces (the service keeps its pacers in memory there), so the buckets are
 * computed here with the same GCRA steps, each read-and-write in one transaction.
 */
export function createSqliteRateBuckets(db: Kysely<Database>, now: () => number = Date.now): RateBuckets {
  const read = async (trx: Kysely<Database>, key: string): Promise<BucketState | undefined> => {
    const row = await trx.selectFrom('rate_buckets').select(['tat', 'paused_until', 'updated_at']).where('key', '=', key).executeTakeFirst();
    return row ? { tat: Number(row.tat), pausedUntil: Number(row.paused_until), updatedAt: Number(row.updated_at) } : undefined;
  };
  const write = (trx: Kysely<Database>, key: string, s: BucketState, waitMs: number) =>
    trx
      .insertInto('rate_buckets')
      .values({ key, tat: s.tat, paused_until: s.pausedUntil, wait_ms: waitMs, updated_at: s.updatedAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ tat: s.tat, paused_until: s.pausedUntil, wait_ms: waitMs, updated_at: s.updatedAt }))
      .execute();
  return {
    take: (key, limit) =>
      db.transaction().execute(async (trx) => {
        const { wait, next } = takeStep(await read(trx, key), now(), limit);
        await write(trx, key, next, wait);
        return wait;
      }),
    pause: (key, ms, limit) =>
      db.transaction().execute(async (trx) => {
        await write(trx, key, pauseStep(await read(trx, key), now(), ms, limit), 0);
      }),
    async prune(idleMs) {
      // The rule of core/store/rate-buckets.ts `prunable`, as one statement.
      const t = now();
      const r = await db
        .deleteFrom('rate_buckets')
        .where('updated_at', '<', t - Math.ceil(idleMs))
        .where('tat', '<', t)
        .where('paused_until', '<', t)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
