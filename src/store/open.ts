import type { OpenStoreOptions, Store } from '../core/store/store.js';
import { StoreUnavailableError } from './errors.js';
import { openSqlStore, sqliteFile } from './sql-store.js';

export { StoreUnavailableError };

const MONGODB_URL = /^mongodb(\+srv)?:\/\//;

/**
 * Picks the adapter from DATABASE_URL (already validated by config). Every adapter, and with it
 * its driver, is loaded by a dynamic import when chosen: a deployment loads only its own.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (MONGODB_URL.test(url)) return (await import('./mongo/index.js')).openMongoStore(url, options);
  return openSqlStore(url, options);
}

/** Whether another Switchboard process holds the lock on this embedded store (false for other stores). */
export async function storeInUse(url: string): Promise<boolean> {
  const file = sqliteFile(url);
  if (file === undefined || file === ':memory:') return false;
  return (await import('./sqlite-lock.js')).processLockHeld(file);
}
