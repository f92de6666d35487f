import { StoreUnavailableError } from './errors.js';
import { openSqlStore, type OpenStoreOptions, type SqlStore } from './sql-store.js';

export { StoreUnavailableError };

/** Picks the adapter from DATABASE_URL (already validated by config). */
export function openStore(url: string, options: OpenStoreOptions = {}): SqlStore {
  if (/^mongodb(\+srv)?:\/\//.test(url)) {
    throw new StoreUnavailableError(
      'DATABASE_URL: the MongoDB store is not available in this version; use sqlite:<path> or postgres://… (see README, "Stores")',
    );
  }
  return openSqlStore(url, options);
}
