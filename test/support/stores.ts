import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { openSqlStore, type SqlStore } from '../../src/store/sql-store.js';

/** Where the PostgreSQL tests create their throw-away databases. CI: the local server. */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreFixture {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty database each call, and its URL (so a second process can open it). */
  create(): Promise<{ url: string; open(): SqlStore; drop(): Promise<void> }>;
}

export const sqliteFixture: StoreFixture = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    return { url, open: () => openSqlStore(url), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

export const postgresFixture: StoreFixture = {
  name: 'postgres',
  async create() {
    const name = `switchboard_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
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
      open: () => openSqlStore(url),
      async drop() {
        const c = new pg.Client({ connectionString: PG_ADMIN_URL });
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
    ctx.store = ctx.created.open();
    await ctx.store.migrate();
  });
  afterEach(async () => {
    await ctx.store.close();
    await ctx.created.drop();
  });
  return ctx;
}
