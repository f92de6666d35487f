import { expect, it } from 'vitest';
import type { TicketRecord } from '../../../src/core/ports.js';
import type { ContractContext } from './context.js';

const ticket = (key: string, chatId: string, extra: Partial<TicketRecord> = {}): TicketRecord => ({
  key,
  id: `1000${key.slice(-1)}`,
  chatId,
  status: 'Waiting for support',
  done: false,
  url: `https://example.atlassian.net/browse/${key}`,
  sla: [],
  slaWarned: [],
  ...extra,
});

/** Jira requests, their lines and comment batches. */
export function ticketCases(ctx: ContractContext): void {
  it('keeps one open request per conversation and finds requests by key', async () => {
    const { tickets } = ctx.store;
    await tickets.save(ticket('SUP-1', 'c1'));
    ctx.clock.now += 10;
    await tickets.save(ticket('SUP-1', 'c1', { status: 'Resolved', done: true, closedAt: ctx.clock.now }));
    ctx.clock.now += 10;
    const sla = [{ name: 'Time to first response', remainingMs: 3_600_000, breached: false, paused: false, completed: false }];
    await tickets.save(ticket('SUP-2', 'c1', { sla, slaWarned: ['Time to resolution'] }));
    await tickets.save(ticket('SUP-3', 'c2'));
    expect((await tickets.open('c1'))?.key).toBe('SUP-2');
    expect(await tickets.byKey('SUP-2')).toMatchObject({ sla, slaWarned: ['Time to resolution'], chatId: 'c1' });
    expect(await tickets.byKey('SUP-1')).toMatchObject({ done: true, status: 'Resolved', closedAt: ctx.clock.now - 10 });
    expect((await tickets.latest('c1'))?.key).toBe('SUP-2');
    expect(await tickets.count('c1')).toBe(2);
    expect((await tickets.allOpen()).map((t) => t.key).sort()).toEqual(['SUP-2', 'SUP-3']);
    expect(await tickets.open('c3')).toBeUndefined();
  });

  it('keeps a line once per source, however often it is added', async () => {
    const { tickets } = ctx.store;
    expect(await tickets.addLine('c1', 'wa:wamid.1', { body: 'hello', isPublic: true })).toBe(true);
    expect(await tickets.addLine('c1', 'wa:wamid.1', { body: 'hello', isPublic: true })).toBe(false);
    expect(await tickets.addLine('c1', 'slack:Ev1', { body: 'note', isPublic: false })).toBe(true);
    expect((await tickets.pendingComments('c1')).map((c) => [c.body, c.isPublic])).toEqual([
      ['hello', true],
      ['note', false],
    ]);
  });

  it('records a batch before it is posted, and keeps posted lines (so a re-run adds nothing) until pruned', async () => {
    const { tickets } = ctx.store;
    ctx.clock.now = 1_000;
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

    ctx.clock.now = 2_000;
    await tickets.finishBatch(again.id, '20001');
    expect(await tickets.unfinishedBatches('c1')).toEqual([]);
    expect(await tickets.addLine('c1', 'wa:wamid.1', { body: 'one', isPublic: true })).toBe(false);
    expect(await tickets.pendingComments('c1')).toEqual([]);

    expect(await tickets.prune(2_000)).toBe(0);
    expect(await tickets.prune(2_001)).toBe(3);
    // Pruned long after any retry could come: the source is free again.
    expect(await tickets.addLine('c1', 'wa:wamid.1', { body: 'one', isPublic: true })).toBe(true);
  });
}
