import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveConversation } from '../../src/core/conversation-identity.js';
import { storeFixtures, useMigratedStore } from '../support/stores.js';

/** Intake's group commit on the SQL stores, where a failed statement can end the whole transaction. */
describe.each(storeFixtures)('group commit on $name', (fixture) => {
  const ctx = useMigratedStore(fixture);
  const queue = () => ctx.store.queue({ leaseMs: 30_000, maxAttempts: 3 });

  const unit = (i: number, kind: string | null) =>
    queue().intake(async (uow) => {
      const { chatId } = (await resolveConversation(uow.identities, { phone: `1650555010${i}` }, Date.now()))!;
      // A null kind breaks a NOT NULL constraint: the database refuses the statement (and on
      // PostgreSQL every later statement of its transaction).
      return uow.enqueue({ kind: kind as string, lane: `chat:${chatId}`, payload: i, dedupeKey: `wamid.gc-${i}` });
    });

  it('a unit the database refuses fails alone; the units beside it are queued', async () => {
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => unit(i, i === 1 ? null : 'wa.inbound')));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    const lanes = (await queue().listJobs({ status: 'pending', limit: 10 })).map((j) => j.lane).sort();
    expect(lanes).toEqual([0, 2, 3, 4].map((i) => `chat:1650555010${i}`));
    const ids = await ctx.store.identities.lookup([{ kind: 'phone', value: '16505550101' }]);
    expect(ids).toEqual([]);
  });

  if (fixture.name === 'postgres') {
    it('commits units that arrive together in one transaction', async () => {
      const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => unit(i, 'wa.inbound')));
      expect(results.every((r) => r.inserted)).toBe(true);
      // xmin: the transaction that wrote the row.
      const { rows } = await sql<{ n: number }>`SELECT count(DISTINCT xmin::text)::int AS n FROM jobs`.execute(ctx.store.db);
      expect(rows[0]!.n).toBe(1);
    });
  }
});
