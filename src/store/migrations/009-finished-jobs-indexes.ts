import { sql } from 'kysely';
import type { Migration } from './index.js';

/**
 * Finished jobs stay out of the queue's hot path. The claim already reads only the partial index of
 * unfinished jobs (migration 1); this adds the one the dead-letter list needs, so the admin page and
 * the queue-depth gauge stop reading the whole history. Existing jobs are indexed as they are.
 */
export const finishedJobsIndexes: Migration = {
  version: 9,
  name: 'dead-letter index on jobs',
  async up(db) {
    await sql`CREATE INDEX jobs_dead ON jobs (finished_at) WHERE status = 'dead'`.execute(db);
  },
};
