import { expect, it } from 'vitest';
import type { ActionRecord } from '../../../src/core/conversation-states.js';
import type { ContractContext } from './context.js';

// A chat id in the range Meta's documentation uses for examples; Slack ids in Slack's documented shapes.
const CHAT = '16505551234';
const press = (key: string, extra: Partial<ActionRecord> = {}): ActionRecord => ({ key, chatId: CHAT, action: 'resolve', userId: 'U0AGENT001', at: 1_000_000, applied: true, ...extra });

/** The card's conversation states and the agent-action audit (Store.conversationStates, issue 12). */
export function conversationStateCases(ctx: ContractContext): void {
  it('keeps a conversation’s status, owner and deleted request, and replaces them whole', async () => {
    const states = ctx.store.conversationStates;
    expect(await states.get(CHAT)).toBeUndefined();
    const full = { chatId: CHAT, status: 'waiting' as const, owner: { userId: 'U0AGENT001', name: 'Ana Souza', jira: 'no-jira-user' as const }, deletedRequest: 'SUP-1', updatedAt: 1_700_000_000_000 };
    await states.save(full);
    expect(await states.get(CHAT)).toEqual(full);
    await states.save({ chatId: CHAT, status: 'open', owner: { userId: 'U0AGENT002', name: 'Bruno Lima' }, updatedAt: 2 });
    expect(await states.get(CHAT)).toEqual({ chatId: CHAT, status: 'open', owner: { userId: 'U0AGENT002', name: 'Bruno Lima' }, updatedAt: 2 });
    await states.save({ chatId: CHAT, status: 'resolved', updatedAt: 3 });
    expect(await states.get(CHAT)).toEqual({ chatId: CHAT, status: 'resolved', updatedAt: 3 });
    expect(await states.get('16505550199')).toBeUndefined();
  });

  it('keeps the card message beside the state: saving the state whole leaves it, and it needs no state first', async () => {
    const states = ctx.store.conversationStates;
    await states.setCardMessage('16505550199', '1749416400.000300');
    expect(await states.get('16505550199')).toMatchObject({ chatId: '16505550199', status: 'open', cardMessageTs: '1749416400.000300' });
    await states.save({ chatId: CHAT, status: 'waiting', owner: { userId: 'U0AGENT001', name: 'Ana Souza' }, updatedAt: 1 });
    await states.setCardMessage(CHAT, '1749416383.000200');
    await states.save({ chatId: CHAT, status: 'resolved', updatedAt: 2 });
    expect(await states.get(CHAT)).toEqual({ chatId: CHAT, status: 'resolved', cardMessageTs: '1749416383.000200', updatedAt: 2 });
  });

  it('records one action per interaction key, answering the first record on a repeat', async () => {
    const states = ctx.store.conversationStates;
    const first = press('action:C0123456789:1749416383.000100:switchboard_resolve:1749416390.000200');
    expect(await states.record(first)).toEqual({ record: first, first: true });
    expect(await states.record({ ...first, at: 1_000_500, applied: false })).toEqual({ record: first, first: false });
    expect(await states.actions(CHAT)).toEqual([first]);
  });

  it('lists a conversation’s actions in the order they were recorded, and only its own', async () => {
    const states = ctx.store.conversationStates;
    // Recorded out of `at` order: the audit keeps arrival order, as the presses were handled.
    await states.record(press('k1', { action: 'claim', at: 30 }));
    await states.record(press('k2', { action: 'waiting', at: 10, applied: false }));
    await states.record(press('k3', { chatId: '16505550199', at: 20 }));
    await states.record(press('k4', { action: 'reopen', at: 20, userId: 'U0AGENT002' }));
    expect((await states.actions(CHAT)).map((a) => [a.key, a.action, a.applied, a.userId])).toEqual([
      ['k1', 'claim', true, 'U0AGENT001'],
      ['k2', 'waiting', false, 'U0AGENT001'],
      ['k4', 'reopen', true, 'U0AGENT002'],
    ]);
    expect((await states.actions('16505550199')).map((a) => a.key)).toEqual(['k3']);
    expect(await states.actions('16505550100')).toEqual([]);
  });

  it('keeps one record when the same interaction is recorded twice at once', async () => {
    const a = press('action:race', { at: 1 });
    const b = press('action:race', { at: 2, applied: false });
    const other = ctx.options.multiInstance ? await ctx.another() : ctx.store;
    const results = await Promise.all([ctx.store.conversationStates.record(a), other.conversationStates.record(b)]);
    expect(results.filter((r) => r.first)).toHaveLength(1);
    const kept = results.find((r) => r.first)!.record;
    expect(results.map((r) => r.record)).toEqual([kept, kept]);
    expect(await ctx.store.conversationStates.actions(CHAT)).toEqual([kept]);
  });
}
