import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createSqlQueue } from '../../src/store/outbox.js';
import type { Database } from '../../src/store/schema.js';
import { storeFixtures, useMigratedStore } from '../support/stores.js';

const T = 1_000_000;

/** A Kysely of its own on the fixture's database, counting the lane walks (dueHeads) it runs. */
function countingDb(url: string, dialect: 'sqlite' | 'postgres') {
  const counted = { walks: 0 };
  const log = (event: { query: { sql: string } }) => {
    if (event.query.sql.includes('WITH RECURSIVE')) counted.walks += 1;
  };
  const db =
    dialect === 'sqlite'
      ? new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(url.slice('sqlite:'.length)) }), log })
      : new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }), log });
  return { db, counted };
}

describe.each(storeFixtures)('a completion on $name', (fixture) => {
  const ctx = useMigratedStore(fixture);

  it('names the next job of its lane, so the claim after it needs no walk of the lanes', async () => {
    const { db, counted } = countingDb(ctx.created.url, ctx.store.dialect);
    try {
      const queue = createSqlQueue(db, ctx.store.dialect, { leaseMs: 30_000, maxAttempts: 3, clock: () => T });
      for (const payload of ['first', 'second']) await queue.enqueue({ kind: 'k', lane: 'a', payload });
      const [first] = await queue.claim('w', 1);
      expect(first?.payload).toBe('first');
      expect(counted.walks).toBe(1);
      expect(await queue.complete(first!, 'w')).toBe(true);

      const [second] = await queue.claim('w', 1);
      expect(second?.payload).toBe('second');
      expect(counted.walks).toBe(1);
      // With no job named, a claim walks the lanes again (and finds the running head not due).
      expect(await queue.claim('w', 1)).toEqual([]);
      expect(counted.walks).toBe(2);
    } finally {
      await db.destroy();
    }
  });
});
