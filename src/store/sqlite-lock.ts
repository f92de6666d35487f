import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { StoreInUseError } from './errors.js';

export interface ProcessLock {
  release(): void;
}

/**
 * The lock that makes a Switchboard process the only one on an embedded database: an exclusive
 * SQLite lock on a small file beside it (`<db>.lock`), held by a connection kept open for the
 * life of the store. It is an OS file lock, so it dies with the process, kill -9 included: the
 * file may stay behind, the lock never does.
 *
 * A separate file rather than `locking_mode = EXCLUSIVE` on the database itself, so that other
 * tools (sqlite3 backups, Litestream, `npm run doctor`) can still read the database while the
 * service runs; only a second Switchboard is refused.
 */
export function acquireProcessLock(file: string): ProcessLock {
  const lock = new BetterSqlite3(lockFileOf(file));
  try {
    // Long enough to outwait a doctor's probe (microseconds), short enough to refuse at once.
    lock.pragma('busy_timeout = 250');
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.pragma('journal_mode = MEMORY');
    // In exclusive locking mode the first write takes the exclusive lock and keeps it.
    lock.exec('create table if not exists holder (pid integer not null, since integer not null)');
    lock.transaction(() => {
      lock.prepare('delete from holder').run();
      lock.prepare('insert into holder (pid, since) values (?, ?)').run(process.pid, Date.now());
    })();
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new StoreInUseError(file);
    throw err;
  }
  return { release: () => lock.close() };
}

/** Whether a running Switchboard holds the lock on `file` (a probe: takes the lock and drops it). */
export function processLockHeld(file: string): boolean {
  if (!existsSync(lockFileOf(file))) return false;
  try {
    acquireProcessLock(file).release();
    return false;
  } catch (err) {
    if (err instanceof StoreInUseError) return true;
    throw err;
  }
}

export const lockFileOf = (file: string) => `${file}.lock`;
