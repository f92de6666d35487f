import { describe, expect, it } from 'vitest';
import { createSqlConversationStates } from '../../src/store/conversation-states.js';
import { sqlDb } from '../../src/store/sql-store.js';
import { storeFixtures, useMigratedStore } from '../support/stores.js';

describe.each(storeFixtures)('conversation states and the action audit on $name', (fixture) => {
  const ctx = useMigratedStore(fixture);

  it('keeps a conversation’s status, owner and deleted request, and replaces them whole', async () => {
    const states = createSqlConversationStates(sqlDb(ctx.store));
    expect(await states.get('c1')).toBeUndefined();
    await states.save({ chatId: 'c1', status: 'waiting', owner: { userId: 'U1', name: 'Ana Souza', jira: 'no-jira-user' }, deletedRequest: 'SUP-1', updatedAt: 1_700_000_000_000 });
    expect(await states.get('c1')).toEqual({ chatId: 'c1', status: 'waiting', owner: { userId: 'U1', name: 'Ana Souza', jira: 'no-jira-user' }, deletedRequest: 'SUP-1', updatedAt: 1_700_000_000_000 });
    await states.save({ chatId: 'c1', status: 'open', updatedAt: 2 });
    expect(await states.get('c1')).toEqual({ chatId: 'c1', status: 'open', updatedAt: 2 });
  });

  it('records one action per interaction key, answering the first record on a repeat', async () => {
    const states = createSqlConversationStates(sqlDb(ctx.store));
    const first = { key: 'action:C1:1.1:switchboard_resolve:1.2', chatId: 'c1', action: 'resolve' as const, userId: 'U1', at: 10, applied: true };
    expect(await states.record(first)).toEqual({ record: first, first: true });
    expect(await states.record({ ...first, at: 11, applied: false })).toEqual({ record: first, first: false });
    await states.record({ ...first, key: 'other', applied: false });
    await states.record({ ...first, key: 'elsewhere', chatId: 'c2' });
    expect((await states.actions('c1')).map((a) => [a.key, a.applied])).toEqual([
      [first.key, true],
      ['other', false],
    ]);
  });
});
