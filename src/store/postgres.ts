import { Kysely } from 'kysely';
import pg from 'pg';
import type { OpenStoreOptions } from '../core/store/store.js';
import { PostgresDialectKeepingTheCause } from './dialects.js';
import { COMPLETE_IN_FLIGHT } from './outbox.js';
import type { Database } from './schema.js';
import { createSqlStore, type SqlStore } from './sql-store.js';

/** How long a request waits for a free PostgreSQL connection (or a new one) before failing. */
const PG_CONNECT_TIMEOUT_MS = 5_000;

/** PostgreSQL; loaded (with pg) only when DATABASE_URL is a `postgres://` one. */
export function openPostgres(connectionString: string, options: OpenStoreOptions): SqlStore {
  const db = new Kysely<Database>({
    dialect: new PostgresDialectKeepingTheCause(openPool(connectionString, options, { max: options.poolSize ?? 10, application_name: 'switchboard' })),
  });
  // Completions commit without waiting for the WAL flush (SqlStoreParts.settled says why that is safe).
  const settled = new Kysely<Database>({
    dialect: new PostgresDialectKeepingTheCause(
      openPool(connectionString, options, { max: SETTLED_POOL_SIZE, application_name: 'switchboard (completions)', options: '-c synchronous_commit=off' }),
    ),
  });
  return createSqlStore('postgres', db, { clock: options.clock, settled });
}

/** Connections for completions: as many as the queue sends at once. */
const SETTLED_POOL_SIZE = COMPLETE_IN_FLIGHT;

/** A pool; `session` names its connections (pg_stat_activity) and may set their server options. */
function openPool(connectionString: string, options: OpenStoreOptions, session: Pick<pg.PoolConfig, 'max' | 'application_name' | 'options'>): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    ...session,
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
  pool.on('connect', (client) => client.on('error', (err) => options.onConnectionError?.(err)));
  // Idle clients' errors reach the listener above too; the pool re-emits them here.
  pool.on('error', () => undefined);
  return pool;
}
