import { describe, expect, it } from 'vitest';
import { createTicketStore } from '../../src/store/tickets-repo.js';
import { storeFixtures, useMigratedStore } from '../support/stores.js';

describe.each(storeFixtures)('Jira lines and comment batches on $name', (fixture) => {
  const ctx = useMigratedStore(fixture);

  it('keeps a line once per source, however often it is added', async () => {
    const tickets = createTicketStore(ctx.store.db);
    expect(await tickets.addLine('c1', 'wa:wamid.1', { body: 'hello', isPublic: true })).toBe(true);
    expect(await tickets.addLine('c1', 'wa:wamid.1', { body: 'hello', isPublic: true })).toBe(false);
    expect(await tickets.addLine('c1', 'slack:Ev1', { body: 'note', isPublic: false })).toBe(true);
    expect((await tickets.pendingComments('c1')).map((c) => [c.body, c.isPublic])).toEqual([
      ['hello', true],
      ['note', false],
    ]);
  });

  it('records a batch before it is posted, and keeps posted lines (so a re-run adds nothing) until pruned', async () => {
    let t = 1_000;
    const tickets = createTicketStore(ctx.store.db, () => t);
    await tickets.addLine('c1', 'wa:wamid.1', { body: 'one', isPublic: true });
    await tickets.addLine('c1', 'wa:wamid.2', { body: 'two', isPublic: true });
    const lines = await tickets.pendingComments('c1');
    const batch = await tickets.startBatch('c1', { ticketKey: 'SUP-1', isPublic: true, body: 'one\n\ntwo', lineIds: lines.map((l) => l.id) });
    expect(batch).toMatchObject({ ticketKey: 'SUP-1', isPublic: true, body: 'one\n\ntwo', createdAt: 1_000 });
    expect(await tickets.pendingComments('c1')).toEqual([]);
    expect(await tickets.unfinishedBatches('c1')).toEqual([batch]);
    // A second attempt cannot batch the same lines again.
    await expect(tickets.startBatch('c1', { ticketKey: 'SUP-1', isPublic: true, body: 'one', lineIds: [lines[0]!.id] })).rejects.toThrow();
    expect(await tickets.unfinishedBatches('c1')).toEqual([batch]);

    // Refused outright: the lines wait again, in a batch of their own later.
    await tickets.abandonBatch(batch.id);
    expect(await tickets.unfinishedBatches('c1')).toEqual([]);
    expect(await tickets.pendingComments('c1')).toEqual(lines);
    const again = await tickets.startBatch('c1', { ticketKey: 'SUP-1', isPublic: true, body: 'one\n\ntwo', lineIds: lines.map((l) => l.id) });

    t = 2_000;
    await tickets.finishBatch(again.id, '20001');
    expect(await tickets.unfinishedBatches('c1')).toEqual([]);
    expect(await tickets.addLine('c1', 'wa:wamid.1', { body: 'one', isPublic: true })).toBe(false);
    expect(await tickets.pendingComments('c1')).toEqual([]);

    expect(await tickets.prune(2_000)).toBe(0);
    expect(await tickets.prune(2_001)).toBe(3);
    // Pruned long after any retry could come: the source is free again.
    expect(await tickets.addLine('c1', 'wa:wamid.1', { body: 'one', isPublic: true })).toBe(true);
  });
});
