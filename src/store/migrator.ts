import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Migration } from './migrations/index.js';
import type { Dialect } from './sql-store.js';

export interface MigrationReport {
  applied: number[];
  alreadyApplied: number[];
}

/** Arbitrary constant: the advisory lock that serialises migrators across PostgreSQL instances. */
const PG_MIGRATION_LOCK = 0x5b_0a_2d_01;

/**
 * Applies pending migrations in version order, each in its own transaction together with its row
 * in schema_migrations. Safe when two instances start at once: on PostgreSQL a session advisory
 * lock serialises them; on SQLite the first statement of each transaction is the insert of the
 * version row, which takes the write lock before anything is read, so the loser waits and then
 * finds the version taken.
 */
export async function runMigrations(db: Kysely<Database>, dialect: Dialect, list: Migration[]): Promise<MigrationReport> {
  const sorted = [...list].sort((a, b) => a.version - b.version);
  if (dialect === 'postgres') {
    return db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${PG_MIGRATION_LOCK})`.execute(conn);
      try {
        return await applyAll(conn, dialect, sorted);
      } finally {
        await sql`select pg_advisory_unlock(${PG_MIGRATION_LOCK})`.execute(conn);
      }
    });
  }
  return applyAll(db, dialect, sorted);
}

async function applyAll(db: Kysely<Database>, dialect: Dialect, sorted: Migration[]): Promise<MigrationReport> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute();
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  for (const migration of sorted) {
    const ran = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: Date.now() })
        .onConflict((oc) => oc.column('version').doNothing())
        .executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      await migration.up(trx as unknown as Kysely<unknown>, dialect);
      return true;
    });
    (ran ? report.applied : report.alreadyApplied).push(migration.version);
  }
  return report;
}
