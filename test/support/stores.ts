import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { openSqlStore, type OpenStoreOptions, type SqlStore } from '../../src/store/sql-store.js';

/** Where the PostgreSQL tests create their throw-away databases. CI: the local server. */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreFixture {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty database each call, and its URL (so a second process can open it). */
  create(): Promise<{ url: string; open(options?: OpenStoreOptions): Promise<SqlStore>; drop(): Promise<void> }>;
}

export const sqliteFixture: StoreFixture = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    return { url, open: (options) => openSqlStore(url, options), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

/**
 * What to do when the tests' PostgreSQL is not there: README, "Test it". The same words for every
 * test, instead of a driver error per test followed by a TypeError from its cleanup.
 */
export class PostgresUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    const where = describeUrl(url);
    const why = cause instanceof Error ? cause.message || cause.name : String(cause);
    super(
      `PostgreSQL not reachable at ${where} (${why}): start it with ` +
        `\`pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start\` ` +
        `(Debian: \`apt-get install -y postgresql\` first; README, "Test it"), or set TEST_DATABASE_URL=postgres://user:password@host:port/db`,
    );
    this.name = 'PostgresUnavailableError';
  }
}

/** host:port/db, without the password a TEST_DATABASE_URL may carry. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'TEST_DATABASE_URL (not a URL)';
  }
}

/** Bounded, so a firewalled host fails in seconds rather than at the test timeout. */
const CONNECT_TIMEOUT_MS = 5_000;

let reachable: Promise<void> | undefined;

/** Asked once per test process: after one failure every PostgreSQL test fails at once, with the same line. */
export function assertPostgresReachable(url = PG_ADMIN_URL): Promise<void> {
  if (url !== PG_ADMIN_URL) return probe(url);
  reachable ??= probe(url);
  return reachable;
}

async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
  } catch (err) {
    throw new PostgresUnavailableError(url, err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresFixture: StoreFixture = {
  name: 'postgres',
  async create() {
    await assertPostgresReachable();
    const name = `switchboard_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${name}`;
    const url = u.toString();
    return {
      url,
      open: (options) => openSqlStore(url, options),
      async drop() {
        const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  },
};

export const storeFixtures: StoreFixture[] = [sqliteFixture, postgresFixture];

export type CreatedStore = Awaited<ReturnType<StoreFixture['create']>>;

/** Inside a describe: a fresh, migrated database for each test, dropped after it. */
export function useMigratedStore(fixture: StoreFixture): { store: SqlStore; created: CreatedStore } {
  const ctx = {} as { store: SqlStore; created: CreatedStore };
  beforeEach(async () => {
    ctx.created = await fixture.create();
    ctx.store = await ctx.created.open();
    await ctx.store.migrate();
  });
  afterEach(async () => {
    await closeCreated(ctx.store, ctx.created);
    ctx.store = ctx.created = undefined as never;
  });
  return ctx;
}

/**
 * An afterEach's clean-up that tolerates a beforeEach that never got as far as opening the store
 * (PostgreSQL down): the test then fails with that one reason, not with a TypeError on top.
 */
export async function closeCreated(store: SqlStore | undefined, created: CreatedStore | undefined): Promise<void> {
  await store?.close();
  await created?.drop();
}
