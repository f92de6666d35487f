import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../src/store/sql-store.js';
import { gate } from '../support/gate.js';
import { postgresFixture, type CreatedStore } from '../support/stores.js';

/**
 * On PostgreSQL a job's completion commits without waiting for the WAL flush, on connections of
 * its own (SqlStoreParts.settled says why a completion may be lost with the server's last moments);
 * everything else still waits for it.
 */
describe('completions on PostgreSQL', () => {
  let created: CreatedStore;
  let store: SqlStore;
  beforeEach(async () => {
    created = await postgresFixture.create();
    // One connection for everything else, so that a test can hold it.
    store = await created.open({ poolSize: 1 });
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await created.drop();
  });

  const session = async (db: SqlStore['db']) => {
    const { rows } = await sql<{ name: string; synchronous: string }>`
      SELECT current_setting('application_name') AS name, current_setting('synchronous_commit') AS synchronous`.execute(db);
    return rows[0]!;
  };

  it('are written on connections that do not wait for the flush, while the rest of the store waits for it', async () => {
    expect(await session(store.db)).toEqual({ name: 'switchboard', synchronous: 'on' });
    expect(await session(store.settled)).toEqual({ name: 'switchboard (completions)', synchronous: 'off' });
    const queue = store.queue({ leaseMs: 30_000, maxAttempts: 3 });
    for (const lane of ['a', 'b']) await queue.enqueue({ kind: 'k', lane, payload: lane });
    const jobs = await queue.claim('w', 2);
    expect(jobs).toHaveLength(2);
    // The store's only other connection is busy until the completions are recorded: they must not need it.
    const released = gate();
    const holding = gate();
    const busy = store.db.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx);
      holding.open();
      await released.opened;
    });
    await holding.opened;
    try {
      expect(await Promise.all(jobs.map((job) => queue.complete(job, 'w')))).toEqual([true, true]);
    } finally {
      released.open();
      await busy;
    }
    expect((await queue.depth()).done).toBe(2);
  });
});
