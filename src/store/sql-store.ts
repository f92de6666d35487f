import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { PostgresDialectKeepingTheCause, SqliteDialectKeepingTheCause } from './dialects.js';
import { runMigrations, type MigrationReport } from './migrator.js';
import { migrations } from './migrations/index.js';
import { acquireProcessLock, processLockHeld, type ProcessLock } from './sqlite-lock.js';

export type Dialect = 'sqlite' | 'postgres';

/** The relational store: one typed query layer (Kysely) over SQLite or PostgreSQL. */
export interface SqlStore {
  readonly dialect: Dialect;
  readonly db: Kysely<Database>;
  /**
   * This process holds the embedded store's process lock: no other Switchboard can be using the
   * database, so a job marked running that this process did not start was left by a dead one.
   * Always false on PostgreSQL, where instances share the database.
   */
  readonly exclusive: boolean;
  migrate(): Promise<MigrationReport>;
  pendingMigrations(): Promise<number[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL pool size; several instances share the database, so keep it modest. */
  poolSize?: number;
  /**
   * SQLite: take the process lock, so a second Switchboard on the same file is refused
   * (StoreInUseError). The service does; tools, and tests that share a file, do not.
   */
  exclusive?: boolean;
  /** A pooled PostgreSQL connection broke; the query on it (if any) fails by itself, the pool reconnects. */
  onConnectionError?: (err: Error) => void;
}

/**
 * SQLite's busy handler sleeps inside the synchronous driver call, so every millisecond of it
 * stops the event loop (health checks included). Wait briefly, then fail as "locked" (transient):
 * the webhook gets a 503 and its sender retries, the job is retried later.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 200;
const SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 10_000;

/** How long a request waits for a free PostgreSQL connection (or a new one) before failing. */
const PG_CONNECT_TIMEOUT_MS = 5_000;

export function openSqlStore(url: string, options: OpenStoreOptions = {}): SqlStore {
  const file = sqliteFile(url);
  if (file) return openSqlite(file, options.exclusive ?? false);
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options.poolSize ?? 10, options.onConnectionError);
  throw new Error(`DATABASE_URL scheme is not a SQL store: ${url.split(':')[0]}`);
}

/** Whether another Switchboard process holds the lock on this embedded store (false for other stores). */
export function storeInUse(url: string): boolean {
  const file = sqliteFile(url);
  return file !== undefined && file !== ':memory:' && processLockHeld(file);
}

function sqliteFile(url: string): string | undefined {
  if (!url.startsWith('sqlite:')) return undefined;
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:') return path;
  const file = resolve(path.replace(/^\/\/(?=\/)/, ''));
  // One lock per file, however it is reached.
  return existsSync(file) ? realpathSync(file) : file;
}

/**
 * `mkdir -p` by hand: Node's recursive mkdir loops for ever (synchronously: nothing else runs)
 * where mkdir answers ENOENT under a parent that exists, as /proc and some FUSE mounts do.
 */
function makeParentDirectories(file: string): void {
  const missing: string[] = [];
  for (let dir = dirname(file); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Error(`cannot create the directory ${dir} for the SQLite file ${file} (${code}): choose a writable place in DATABASE_URL=sqlite:<path>`, { cause: err });
    }
  }
}

function openSqliteFile(file: string): BetterSqlite3.Database {
  try {
    return new BetterSqlite3(file);
  } catch (err) {
    // SQLite's own words ("unable to open database file") name neither the file nor what to do.
    throw new Error(`cannot open the SQLite file ${file} (${(err as Error).message}): DATABASE_URL=sqlite:<path> must name a file this user can write`, { cause: err });
  }
}

function openSqlite(file: string, exclusive: boolean): SqlStore {
  if (file !== ':memory:') makeParentDirectories(file);
  const lock = exclusive && file !== ':memory:' ? acquireProcessLock(file) : undefined;
  try {
    const database = openSqliteFile(file);
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialectKeepingTheCause(database) });
    const store = wrap('sqlite', db, lock);
    return {
      ...store,
      async migrate() {
        // Migrations run before anything is served, so waiting out a tool's write lock (another
        // migrator, an import) blocks nobody; afterwards waits go back to being short.
        database.pragma(`busy_timeout = ${SQLITE_MIGRATION_BUSY_TIMEOUT_MS}`);
        try {
          return await store.migrate();
        } finally {
          database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
        }
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

function openPostgres(connectionString: string, max: number, onConnectionError?: (err: Error) => void): SqlStore {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    // Notice a peer that vanished without a FIN (failover, NAT timeout) instead of waiting on it.
    keepAlive: true,
    // Epoch-millisecond bigints fit a JS number; keep them numbers, not strings.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
    },
  });
  // pg emits 'error' on a client whose connection breaks (terminated, reset), even mid-query, and
  // pg-pool listens only while the client is idle: a checked-out client with no listener would
  // throw it as an uncaught exception. Every client gets a listener for its whole life; its query
  // fails by itself, and the pool drops the broken client on release and connects anew on demand.
  pool.on('connect', (client) => client.on('error', (err) => onConnectionError?.(err)));
  // Idle clients' errors reach the listener above too; the pool re-emits them here.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialectKeepingTheCause(pool) });
  return wrap('postgres', db);
}

function wrap(dialect: Dialect, db: Kysely<Database>, lock?: ProcessLock): SqlStore {
  return {
    dialect,
    db,
    exclusive: lock !== undefined,
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
    async close() {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
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
