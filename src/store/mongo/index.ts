import type { StoreOpener } from '../../core/store/store.js';
import { StoreUnavailableError } from '../errors.js';

/**
 * The MongoDB store (`mongodb://`, `mongodb+srv://`), opened by src/store/open.ts through a
 * dynamic import so that no other deployment loads the driver. It implements the Store port of
 * src/core/store/ and passes test/store/contract/. Until it does, DATABASE_URL=mongodb://… stops
 * start-up with this one line.
 */
export const openMongoStore: StoreOpener = async () => {
  throw new StoreUnavailableError(
    'DATABASE_URL: the MongoDB store is not available in this version; use sqlite:<path> or postgres://… (see README, "Stores")',
  );
};
