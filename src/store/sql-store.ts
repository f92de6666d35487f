import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { runMigrations, type MigrationReport } from './migrator.js';
import { migrations } from './migrations/index.js';

export type Dialect = 'sqlite' | 'postgres';

/** The relational store: one typed query layer (Kysely) over SQLite or PostgreSQL. */
export interface SqlStore {
  readonly dialect: Dialect;
  readonly db: Kysely<Database>;
  migrate(): Promise<MigrationReport>;
  pendingMigrations(): Promise<number[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL pool size; several instances share the database, so keep it modest. */
  poolSize?: number;
}

export function openSqlStore(url: string, options: OpenStoreOptions = {}): SqlStore {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options.poolSize ?? 10);
  throw new Error(`DATABASE_URL scheme is not a SQL store: ${url.split(':')[0]}`);
}

function openSqlite(path: string): SqlStore {
  const file = path === ':memory:' ? path : resolve(path.replace(/^\/\/(?=\/)/, ''));
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return wrap('sqlite', db);
}

function openPostgres(connectionString: string, max: number): SqlStore {
  const pool = new pg.Pool({
    connectionString,
    max,
    // Epoch-millisecond bigints fit a JS number; keep them numbers, not strings.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
    },
  });
  // An idle client losing its connection must not take the process down; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return wrap('postgres', db);
}

function wrap(dialect: Dialect, db: Kysely<Database>): SqlStore {
  return {
    dialect,
    db,
    migrate: () => runMigrations(db, dialect, migrations),
    async pendingMigrations() {
      const exists = await tableExists(db, dialect, 'schema_migrations');
      const applied = exists
        ? new Set((await db.selectFrom('schema_migrations').select('version').execute()).map((r) => Number(r.version)))
        : new Set<number>();
      return migrations.map((m) => m.version).filter((v) => !applied.has(v));
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

async function tableExists(db: Kysely<Database>, dialect: Dialect, table: string): Promise<boolean> {
  const query =
    dialect === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${table}`
      : sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = ${table}`;
  const { rows } = await query.execute(db);
  return Number(rows[0]?.n ?? 0) > 0;
}
