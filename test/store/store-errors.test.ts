import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../src/core/errors.js';
import { describeStoreError } from '../../src/store/errors.js';
import { openSqlStore } from '../../src/store/sql-store.js';
import { assertPostgresReachable, closeCreated, PG_ADMIN_URL, PostgresUnavailableError, postgresFixture } from '../support/stores.js';

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => expect.unreachable('expected a failure'),
    (err: unknown) => err,
  );
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the tests' PostgreSQL prerequisite", () => {
  it('says in one line where PostgreSQL was expected and how to provide it, without the password', async () => {
    const port = await closedPort();
    const err = await rejection(assertPostgresReachable(`postgres://tester:s3cret@127.0.0.1:${port}/test`));
    expect(err).toBeInstanceOf(PostgresUnavailableError);
    const message = (err as Error).message;
    expect(message).toMatch(new RegExp(`^PostgreSQL not reachable at 127\\.0\\.0\\.1:${port}/test \\(connect ECONNREFUSED`));
    expect(message).toContain('pg_ctlcluster');
    expect(message).toContain('apt-get install -y postgresql');
    expect(message).toContain('TEST_DATABASE_URL');
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('\n');
  });

  it('cleans up after a test whose store was never created, without an error of its own', async () => {
    await expect(closeCreated(undefined, undefined)).resolves.toBeUndefined();
  });
});

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const sqliteFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-errors-'));
  dirs.push(dir);
  return join(dir, 'x.db');
};

describe('describeStoreError on what the PostgreSQL driver really throws', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c().catch(() => undefined);
  });

  it('names a refused connection, by address or by name (an AggregateError over ::1 and 127.0.0.1)', async () => {
    const port = await closedPort();
    for (const host of ['127.0.0.1', 'localhost']) {
      const err = await rejection(new pg.Client({ host, port, user: 'x', database: 'x' }).connect());
      expect(describeStoreError(err)).toEqual({ transient: true, cause: 'connection refused' });
    }
  });

  it('names a connection the server closed while connecting', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    const err = await rejection(new pg.Client({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, user: 'x' }).connect());
    expect(describeStoreError(err)).toMatchObject({ transient: true, cause: expect.stringMatching(/connection (to the database lost|reset)/) });
  });

  it('names a terminated backend (57P01) and a pool that has no connection to give in time', async () => {
    await assertPostgresReachable();
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    const terminated = new Promise<unknown>((resolve) => client.on('error', resolve));
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    cleanup.push(() => admin.end());
    await admin.query('select pg_terminate_backend($1)', [(client as unknown as { processID: number }).processID]);
    expect(describeStoreError(await terminated)).toEqual({ transient: true, cause: 'the database server terminated the connection (admin shutdown)' });

    // The limit also bounds the first, real connection: long enough for it on a loaded machine; the
    // second waits for the one held connection and always meets it.
    const pool = new pg.Pool({ connectionString: PG_ADMIN_URL, max: 1, connectionTimeoutMillis: 2_000 });
    cleanup.push(() => pool.end());
    const held = await pool.connect();
    cleanup.unshift(async () => held.release());
    expect(describeStoreError(await rejection(pool.connect()))).toEqual({ transient: true, cause: 'no database connection available in time (pool timeout)' });
  });

  it('calls a refused statement not transient, and is undefined for what is not the store', async () => {
    await assertPostgresReachable();
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    cleanup.push(() => client.end());
    expect(describeStoreError(await rejection(client.query('select * from no_such_table')))).toMatchObject({ transient: false, cause: expect.stringContaining('42P01') });

    const port = await closedPort();
    expect(describeStoreError(await rejection(fetch(`http://127.0.0.1:${port}/`)))).toBeUndefined();
    expect(describeStoreError(new BridgeError('slack down', { code: 'slack_5xx', retryable: true }))).toBeUndefined();
    expect(describeStoreError(new Error('boom'))).toBeUndefined();
    expect(describeStoreError('boom')).toBeUndefined();
  });
});

describe('describeStoreError on what the SQLite driver really throws', () => {
  it('names a lock held by another connection, a full disk, a read-only file and a file it cannot open', () => {
    const file = sqliteFile();
    const holder = new BetterSqlite3(file);
    holder.exec('create table t (v blob)');
    holder.exec('begin immediate');
    const other = new BetterSqlite3(file, { timeout: 0 });
    const busy = (() => {
      try {
        other.exec('insert into t values (1)');
      } catch (err) {
        return err;
      }
    })();
    expect(describeStoreError(busy)).toEqual({ transient: true, cause: 'database is locked by another process' });
    holder.exec('rollback');

    other.pragma(`max_page_count = ${other.pragma('page_count', { simple: true }) as number}`);
    expect(describeStoreError(catching(() => other.prepare('insert into t values (?)').run(Buffer.alloc(64_000))))).toEqual({ transient: true, cause: 'disk full' });
    other.close();
    holder.close();

    const readonly = new BetterSqlite3(file, { readonly: true });
    expect(describeStoreError(catching(() => readonly.exec('insert into t values (1)')))).toEqual({ transient: true, cause: 'database file is read-only' });
    readonly.close();
    expect(describeStoreError(catching(() => new BetterSqlite3(dirname(file))))).toEqual({ transient: true, cause: 'cannot open the database file' });
  });
});

function catching(work: () => unknown): unknown {
  try {
    work();
  } catch (err) {
    return err;
  }
  return expect.unreachable('expected a failure');
}

describe('a failed transaction reports why it failed, not its rollback', () => {
  it('on SQLite: the disk is full (SQLite already rolled back; a second rollback would say "no transaction is active")', async () => {
    const store = await openSqlStore(`sqlite:${sqliteFile()}`);
    try {
      await store.migrate();
      const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(store.db)).rows[0]!.page_count;
      await sql.raw(`pragma max_page_count = ${pages}`).execute(store.db);
      const err = await rejection(
        store.db.transaction().execute(async (trx) => {
          for (let i = 0; i < 50; i += 1) {
            await trx
              .insertInto('jobs')
              .values({ kind: 'k', lane: 'l', payload: 'x'.repeat(50_000), dedupe_key: `d${i}`, status: 'pending', max_attempts: 1, run_at: 0, locked_until: null, locked_by: null, last_error: null, created_at: 0, finished_at: null })
              .execute();
          }
        }),
      );
      expect((err as Error).message).not.toMatch(/no transaction is active/);
      expect(describeStoreError(err)).toEqual({ transient: true, cause: 'disk full' });
    } finally {
      await store.close();
    }
  });

  it('on PostgreSQL: the backend was terminated (not "the client is not queryable")', async () => {
    const created = await postgresFixture.create();
    const store = await created.open();
    try {
      const err = await rejection(
        store.db.transaction().execute(async (trx) => {
          await sql`select 1`.execute(trx);
          await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
        }),
      );
      expect(describeStoreError(err)).toEqual({ transient: true, cause: 'the database server terminated the connection (admin shutdown)' });
      // The pool has dropped the dead client and connects anew.
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
      await created.drop();
    }
  });
});
