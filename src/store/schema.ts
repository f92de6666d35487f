import type { Generated, Insertable, Selectable } from 'kysely';

/** Times are epoch milliseconds in every adapter: one representation, no time-zone surprises. */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** Conversation key: jobs with the same lane run one at a time, in id order. */
  lane: string;
  payload: string;
  dedupe_key: string | null;
  status: JobStatus;
  attempts: Generated<number>;
  max_attempts: number;
  run_at: number;
  locked_until: number | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface Database {
  jobs: JobsTable;
  schema_migrations: SchemaMigrationsTable;
}

export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;
