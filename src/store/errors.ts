import { describeMongoError } from './mongo/errors.js';

/**
 * What a store failure means for the caller. `transient`: the store could not do it *now*, for a
 * reason outside the operation (connection, lock, disk, permissions, server restarting); the same
 * operation may succeed later unchanged, so retry it (a webhook answers 503). Not transient: the
 * operation itself was refused (constraint, bad SQL, corrupt file); retrying it unchanged fails again.
 */
export interface StoreErrorDescription {
  transient: boolean;
  /** Short, human, safe to log: "connection refused", "disk full", … */
  cause: string;
}

/** The store cannot be used at all; the message is the one line to show the operator. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** Another Switchboard process holds the embedded store's process lock. */
export class StoreInUseError extends StoreUnavailableError {
  override name = 'StoreInUseError';
  constructor(readonly file: string) {
    super(
      `DATABASE_URL: ${file} is in use by another Switchboard process; stop it first (an embedded SQLite store serves one process: use PostgreSQL to run several)`,
    );
  }
}

const transient = (cause: string): StoreErrorDescription => ({ transient: true, cause });
const permanent = (cause: string): StoreErrorDescription => ({ transient: false, cause });

/** Socket errors, as the pg driver passes them on. Checked on the error itself only (see below). */
const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection broken',
  ENOTFOUND: 'database host not found',
  EAI_AGAIN: 'database host not found',
  EHOSTUNREACH: 'database host unreachable',
  ENETUNREACH: 'database host unreachable',
};

/** Messages the pg client and pool throw without a code. */
const PG_MESSAGES: [RegExp, string][] = [
  [/^Connection terminated due to connection timeout/, 'connection timed out'],
  [/^Connection terminated/, 'connection to the database lost'],
  [/^Client has encountered a connection error and is not queryable/, 'connection to the database lost'],
  [/^Client was closed and is not queryable/, 'connection to the database lost'],
  [/^timeout exceeded when trying to connect/, 'no database connection available in time (pool timeout)'],
  [/^Query read timeout/, 'the database did not answer in time'],
  [/^Cannot use a pool after calling end on the pool/, 'the store is closed'],
];

const SQLSTATE: Record<string, StoreErrorDescription> = {
  '57P01': transient('the database server terminated the connection (admin shutdown)'),
  '57P02': transient('the database server crashed (crash shutdown)'),
  '57P03': transient('the database server is not accepting connections now'),
  '57014': transient('statement cancelled (timeout)'),
  '53100': transient('disk full on the database server'),
  '53200': transient('the database server is out of memory'),
  '53300': transient('too many connections to the database'),
  '40001': transient('transaction conflict (serialization failure)'),
  '40P01': transient('transaction conflict (deadlock)'),
  '55P03': transient('lock held by another session'),
  '25006': transient('the database is read-only (a standby?)'),
};

const SQLITE: Record<string, StoreErrorDescription> = {
  SQLITE_BUSY: transient('database is locked by another process'),
  SQLITE_LOCKED: transient('database is locked by another process'),
  SQLITE_FULL: transient('disk full'),
  SQLITE_IOERR: transient('disk I/O error'),
  SQLITE_READONLY: transient('database file is read-only'),
  SQLITE_CANTOPEN: transient('cannot open the database file'),
  SQLITE_NOMEM: transient('out of memory'),
  SQLITE_CORRUPT: permanent('database file is corrupt'),
  SQLITE_NOTADB: permanent('file is not a database'),
  SQLITE_CONSTRAINT: permanent('constraint violated'),
};

/**
 * Recognises a failure of the SQL store (PostgreSQL or SQLite driver) and says what it means;
 * undefined for anything else (a vendor error, a bug). Socket error codes count only on the error
 * itself (or inside pg's AggregateError for a multi-address connect), never on a `cause`: a
 * `fetch failed` whose cause is ECONNREFUSED is a vendor's problem, not the store's.
 */
export function describeStoreError(err: unknown): StoreErrorDescription | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err instanceof StoreInUseError) return transient('in use by another Switchboard process');
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const found = describeStoreError(inner);
      if (found) return found;
    }
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code in NETWORK) return transient(NETWORK[code]!);
  return driverError(err, 0);
}

function driverError(err: unknown, depth: number): StoreErrorDescription | undefined {
  if (!(err instanceof Error) || depth > 4) return undefined;
  const mongo = describeMongoError(err);
  if (mongo) return mongo;
  const code = (err as { code?: unknown }).code;
  if (isPostgresError(err, code)) {
    const known = SQLSTATE[code];
    if (known) return known;
    // Class 08: connection exception; class 53: insufficient resources.
    if (code.startsWith('08')) return transient(`connection failure (SQLSTATE ${code})`);
    if (code.startsWith('53')) return transient(`the database server is short of resources (SQLSTATE ${code})`);
    return permanent(`${err.message} (SQLSTATE ${code})`);
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    const primary = /^SQLITE_[A-Z]+/.exec(code)![0];
    return SQLITE[primary] ?? permanent(`${err.message} (${code})`);
  }
  const message = PG_MESSAGES.find(([pattern]) => pattern.test(err.message));
  if (message) return transient(message[1]);
  return driverError(err.cause, depth + 1);
}

/**
 * An error the PostgreSQL server sent (pg's DatabaseError: a SQLSTATE code and a severity),
 * recognised by its shape so that classifying errors never loads the pg driver.
 */
function isPostgresError(err: Error, code: unknown): code is string {
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof (err as { severity?: unknown }).severity === 'string';
}
