import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../sql-store.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Auto-incrementing 64-bit key in either dialect. */
export function idColumnType(dialect: Dialect) {
  return dialect === 'postgres' ? sql`bigserial` : sql`integer`;
}

/**
 * Numbered, append-only. Never edit a migration that has shipped: add the next number.
 * Each runs in its own transaction (see migrator.ts).
 */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'job queue',
    async up(db, dialect) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', idColumnType(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('lane', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('locked_by', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
      // The claim query looks for the head of each lane among unfinished jobs.
      await sql`CREATE INDEX jobs_open_lane ON jobs (lane, id) WHERE status IN ('pending', 'running')`.execute(db);
      await sql`CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status = 'done'`.execute(db);
    },
  },
];
