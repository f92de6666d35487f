import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { OpenStoreOptions, Store } from '../core/store/store.js';
import { createSqlAuthStorage } from './auth-storage.js';
import { runMigrations } from './migrator.js';
import { migrations } from './migrations/index.js';
import { createSqlIntake, createSqlQueue } from './outbox.js';
import { createPostgresRateBuckets, createSqliteRateBuckets } from './rate-buckets.js';
import { createContactStore, createEffectLog, createMessageMap } from './repos.js';
import type { Database } from './schema.js';
import { createSqlConversationStarts, createSqlSavedReplies } from './sql-agent-start.js';
import { createSqlDirectory } from './sql-directory.js';
import { createSqlIdentities } from './sql-identities.js';
import { createTicketStore } from './tickets-repo.js';
import { createSqlConversationStates } from './sql-conversation-states.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The relational store: the port over one typed query layer (Kysely) on SQLite or PostgreSQL.
 * `db` and `dialect` are for SQL-only code and tests (migrations, query plans); the service uses
 * the Store port alone.
 */
export interface SqlStore extends Store {
  readonly kind: Dialect;
  readonly dialect: Dialect;
  readonly db: Kysely<Database>;
  /** Where job completions are written (SqlStoreParts.settled); `db` itself on SQLite. */
  readonly settled: Kysely<Database>;
}

export type { OpenStoreOptions };

/**
 * Opens SQLite or PostgreSQL by URL. Each driver is loaded only when its store is opened, so a
 * SQLite deployment never loads `pg` (nor a PostgreSQL one `better-sqlite3`).
 */
export async function openSqlStore(url: string, options: OpenStoreOptions = {}): Promise<SqlStore> {
  const file = sqliteFile(url);
  if (file) return (await import('./sqlite.js')).openSqlite(file, options);
  if (/^postgres(ql)?:\/\//.test(url)) return (await import('./postgres.js')).openPostgres(url, options);
  throw new Error(`DATABASE_URL scheme is not a SQL store: ${url.split(':')[0]}`);
}

/** The SQL behind a store, for SQL-only code and tests; throws for any other kind of store. */
export function sqlDb(store: Store): Kysely<Database> {
  if (!isSqlStore(store)) throw new Error(`not a SQL store: ${store.kind}`);
  return store.db;
}

export function isSqlStore(store: Store): store is SqlStore {
  return (store.kind === 'sqlite' || store.kind === 'postgres') && 'db' in store;
}

/** The file a `sqlite:` URL names, resolved (one lock per file, however it is reached); undefined for other URLs. */
export function sqliteFile(url: string): string | undefined {
  if (!url.startsWith('sqlite:')) return undefined;
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:') return path;
  const file = resolve(path.replace(/^\/\/(?=\/)/, ''));
  return existsSync(file) ? realpathSync(file) : file;
}

export interface SqlStoreParts {
  /** Held for the store's life (the SQLite process lock); released by close. */
  lock?: { release(): void };
  /** Wraps migrate (SQLite waits longer for locks while migrating). */
  aroundMigrate?: <T>(run: () => Promise<T>) => Promise<T>;
  clock?: () => number;
  /**
   * Where completions are written, when not on `db` (PostgreSQL: connections whose commits do not
   * wait for the WAL flush). A completion lost with the server's last moments leaves its job
   * running: its lease runs out and it runs again, resumed, and finds what it did in the effect
   * log, which is written on `db` and flushed before the job could finish. The WAL keeps its order,
   * so a completion is lost only with nothing committed after it: not the claim of the next job
   * in its lane, nor that job's effects. What a run lost that way costs is one repeated attempt, as
   * when a worker dies between its handler and its completion.
   */
  settled?: Kysely<Database>;
}

/** The port over a Kysely handle: every repository, the queue, intake and lifecycle. */
export function createSqlStore(dialect: Dialect, db: Kysely<Database>, parts: SqlStoreParts = {}): SqlStore {
  const now = parts.clock ?? Date.now;
  const around = parts.aroundMigrate ?? ((run) => run());
  const intake = createSqlIntake(db, dialect);
  return {
    kind: dialect,
    dialect,
    db,
    settled: parts.settled ?? db,
    exclusive: parts.lock !== undefined,
    shared: dialect === 'postgres',
    migrate: () => around(() => runMigrations(db, dialect, migrations)),
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
        await Promise.all([db.destroy(), parts.settled?.destroy()]);
      } finally {
        parts.lock?.release();
      }
    },
    queue: (options) => createSqlQueue(db, dialect, options, intake, parts.settled),
    contacts: createContactStore(db, now),
    messages: createMessageMap(db, now),
    effects: createEffectLog(db, now),
    tickets: createTicketStore(db, now),
    identities: createSqlIdentities(db, dialect),
    rateBuckets: dialect === 'postgres' ? createPostgresRateBuckets(db) : createSqliteRateBuckets(db, now),
    auth: createSqlAuthStorage(db, dialect, now),
    directory: createSqlDirectory(db),
    conversationStates: createSqlConversationStates(db),
    savedReplies: createSqlSavedReplies(db),
    conversationStarts: createSqlConversationStarts(db),
  };
}

export async function tableExists(db: Kysely<Database>, dialect: Dialect, table: string): Promise<boolean> {
  const query =
    dialect === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${table}`
      : sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = ${table}`;
  const { rows } = await query.execute(db);
  return Number(rows[0]?.n ?? 0) > 0;
}
