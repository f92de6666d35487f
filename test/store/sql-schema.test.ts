import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeCreated, storeFixtures } from '../support/stores.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { migrations } from '../../src/store/migrations/index.js';
import type { MigrationReport } from '../../src/store/migrator.js';

const execFileAsync = promisify(execFile);

/** SQL only: migrations, transactions and column types under the port (the port itself: test/store/contract/). */
describe.each(storeFixtures)('SQL schema and driver on $name', (fixture) => {
  let created: Awaited<ReturnType<typeof fixture.create>>;
  let store: SqlStore;

  beforeEach(async () => {
    created = await fixture.create();
    store = await created.open();
  });
  afterEach(async () => {
    await closeCreated(store, created);
    store = created = undefined as never;
  });

  it('applies every migration once and reports none pending afterwards', async () => {
    expect(await store.pendingMigrations()).toEqual(migrations.map((m) => m.version));
    const first = await store.migrate();
    expect(first.applied).toEqual(migrations.map((m) => m.version));
    expect(await store.pendingMigrations()).toEqual([]);
    const second = await store.migrate();
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(migrations.map((m) => m.version));
  });

  it('lets two processes migrate the same database at once, each migration applied exactly once', async () => {
    // Separate processes, as in production: better-sqlite3 is synchronous, so two connections in
    // one thread would only wait on each other.
    const run = () =>
      execFileAsync(process.execPath, ['--import', 'tsx', 'test/support/migrate-cli.ts', created.url]).then(
        ({ stdout }) => JSON.parse(stdout) as MigrationReport,
      );
    const [a, b] = await Promise.all([run(), run()]);
    const all = migrations.map((m) => m.version);
    expect([...a.applied, ...b.applied].sort((x, y) => x - y)).toEqual(all);
    expect([...a.alreadyApplied, ...b.alreadyApplied].sort((x, y) => x - y)).toEqual(all);
    const rows = await store.db.selectFrom('schema_migrations').select('version').execute();
    expect(rows.map((r) => Number(r.version)).sort((x, y) => x - y)).toEqual(all);
  });

  it('rolls a transaction back whole when it throws', async () => {
    await store.migrate();
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('jobs')
          .values({ kind: 'k', lane: 'l', payload: '{}', dedupe_key: 'x', status: 'pending', max_attempts: 1, run_at: 0, locked_until: null, locked_by: null, last_error: null, created_at: 0, finished_at: null })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const count = await store.db.selectFrom('jobs').select(store.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('keeps epoch-millisecond times as numbers', async () => {
    await store.migrate();
    const t = 1_764_000_000_123;
    await store.db
      .insertInto('jobs')
      .values({ kind: 'k', lane: 'l', payload: '{}', dedupe_key: null, status: 'pending', max_attempts: 1, run_at: t, locked_until: null, locked_by: null, last_error: null, created_at: t, finished_at: null })
      .execute();
    const row = await store.db.selectFrom('jobs').select(['run_at', 'created_at']).executeTakeFirstOrThrow();
    expect(row.run_at).toBe(t);
    expect(typeof row.created_at).toBe('number');
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
