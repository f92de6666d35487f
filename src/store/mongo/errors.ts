import type { StoreErrorDescription } from '../errors.js';

/**
 * MongoDB driver and server errors, recognised by name, code and labels (never by importing the
 * driver, so classifying an error loads nothing). Transient: the deployment cannot do it now
 * (unreachable, failing over, shutting down, overloaded, timed out); the same operation may work
 * later. Anything else the server refused is permanent (a duplicate key, a bad query).
 */
const TRANSIENT_CODES: Record<number, string> = {
  6: 'database host unreachable',
  7: 'database host not found',
  13: 'not authorised on the database (check the user in DATABASE_URL)',
  18: 'authentication to the database failed (check the user and password in DATABASE_URL)',
  24: 'lock timeout on the database server',
  46: 'lock held on the database server',
  50: 'the database did not answer in time (maxTimeMS)',
  89: 'network timeout on the database server',
  91: 'the database server is shutting down',
  112: 'write conflict',
  189: 'the primary stepped down',
  202: 'the database server is overloaded',
  262: 'the database did not answer in time',
  9001: 'connection to the database lost',
  10107: 'not the primary (failover in progress?)',
  11600: 'the database server is shutting down',
  11602: 'the database server is changing its replica set state',
  13435: 'not the primary (failover in progress?)',
  13436: 'not the primary (failover in progress?)',
  14031: 'disk full on the database server',
};

const TRANSIENT_LABELS = ['RetryableWriteError', 'TransientTransactionError', 'ResetPool', 'SystemOverloadedError', 'PoolRequestedRetry'];

/** Driver errors by class name: the ones about reaching the deployment. */
const TRANSIENT_NAMES: Record<string, string> = {
  MongoNetworkError: 'connection to the database lost',
  MongoNetworkTimeoutError: 'the database did not answer in time',
  MongoServerSelectionError: 'no MongoDB server reachable in time',
  MongoServerClosedError: 'the store is closed',
  MongoTopologyClosedError: 'the store is closed',
  MongoNotConnectedError: 'the store is not connected',
  MongoPoolClearedError: 'connection to the database lost',
  MongoWaitQueueTimeoutError: 'no database connection available in time (pool timeout)',
  WaitQueueTimeoutError: 'no database connection available in time (pool timeout)',
  MongoOperationTimeoutError: 'the database did not answer in time',
};

const PERMANENT_NAMES = new Set(['MongoParseError', 'MongoInvalidArgumentError', 'MongoCompatibilityError', 'MongoMissingDependencyError', 'MongoAPIError']);

export function describeMongoError(err: Error): StoreErrorDescription | undefined {
  const name = err.name;
  if (!name.startsWith('Mongo') && name !== 'WaitQueueTimeoutError') return undefined;
  const known = TRANSIENT_NAMES[name];
  if (known) return { transient: true, cause: known };
  if (PERMANENT_NAMES.has(name)) return { transient: false, cause: err.message };
  const e = err as { code?: unknown; codeName?: unknown; errorLabels?: unknown; errorLabelSet?: Set<string> };
  const labels = e.errorLabelSet instanceof Set ? [...e.errorLabelSet] : Array.isArray(e.errorLabels) ? (e.errorLabels as string[]) : [];
  if (typeof e.code === 'number' && TRANSIENT_CODES[e.code]) return { transient: true, cause: TRANSIENT_CODES[e.code]! };
  if (labels.some((l) => TRANSIENT_LABELS.includes(l))) return { transient: true, cause: `the database is briefly unavailable (${labels.join(', ')})` };
  if (typeof e.code === 'number') return { transient: false, cause: `${err.message} (MongoDB ${typeof e.codeName === 'string' ? e.codeName : 'code'} ${e.code})` };
  return undefined;
}
