import type { Migration } from './index.js';

/**
 * Rate limits shared by every instance on one PostgreSQL database (src/core/store/rate-buckets.ts): one
 * row per paced key (a Slack channel, a business number, a business number and recipient). Created
 * on SQLite too, so both schemas stay the same, though there one process paces in memory.
 */
export const rateBuckets: Migration = {
  version: 6,
  name: 'shared rate-limit buckets',
  async up(db) {
    await db.schema
      .createTable('rate_buckets')
      .addColumn('key', 'text', (c) => c.primaryKey())
      // GCRA's theoretical arrival time, epoch ms (fractional: an interval need not be whole ms).
      .addColumn('tat', 'double precision', (c) => c.notNull())
      .addColumn('paused_until', 'bigint', (c) => c.notNull().defaultTo(0))
      // What the last take answered: 0 = granted, otherwise how long to wait (ms).
      .addColumn('wait_ms', 'double precision', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
