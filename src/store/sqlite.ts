import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { OpenStoreOptions } from '../core/store/store.js';
import { SqliteDialectKeepingTheCause } from './dialects.js';
import type { Database } from './schema.js';
import { acquireProcessLock } from './sqlite-lock.js';
import { createSqlStore, type SqlStore } from './sql-store.js';

/**
 * SQLite's busy handler sleeps inside the synchronous driver call, so every millisecond of it
 * stops the event loop (health checks included). Wait briefly, then fail as "locked" (transient):
 * the webhook gets a 503 and its sender retries, the job is retried later.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 200;
const SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 10_000;

/** The embedded store; loaded (with better-sqlite3) only when DATABASE_URL is a `sqlite:` one. */
export function openSqlite(file: string, options: OpenStoreOptions): SqlStore {
  if (file !== ':memory:') makeParentDirectories(file);
  const lock = options.exclusive && file !== ':memory:' ? acquireProcessLock(file) : undefined;
  try {
    const database = openSqliteFile(file);
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialectKeepingTheCause(database) });
    return createSqlStore('sqlite', db, {
      lock,
      clock: options.clock,
      async aroundMigrate(run) {
        // Migrations run before anything is served, so waiting out a tool's write lock (another
        // migrator, an import) blocks nobody; afterwards waits go back to being short.
        database.pragma(`busy_timeout = ${SQLITE_MIGRATION_BUSY_TIMEOUT_MS}`);
        try {
          return await run();
        } finally {
          database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
        }
      },
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
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
