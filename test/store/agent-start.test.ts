import { describe, expect, it } from 'vitest';
import { createAgentStartStore } from '../../src/store/agent-start-sql.js';
import { resolveConversation } from '../../src/store/identities.js';
import { storeFixtures, useMigratedStore } from '../support/stores.js';

const PHONE = '16505551234';
const BSUID = 'US.13491208655302741918';

describe.each(storeFixtures)('saved replies and started conversations on $name', (fixture) => {
  const ctx = useMigratedStore(fixture);

  it('keeps saved replies by name, replaces one saved again, and deletes', async () => {
    const store = createAgentStartStore(ctx.store.db);
    await store.saveReply({ name: 'welcome', text: 'Hi {name}', updatedBy: 'U1', updatedAt: 1 });
    await store.saveReply({ name: 'closing', text: 'Bye {name}', fileUrl: 'https://example.com/a.pdf', updatedBy: 'U1', updatedAt: 2 });
    await store.saveReply({ name: 'welcome', text: 'Hello {name}, I am {agent}', updatedBy: 'U2', updatedAt: 3 });
    expect(await store.savedReplies()).toEqual([
      { name: 'closing', text: 'Bye {name}', fileUrl: 'https://example.com/a.pdf', updatedBy: 'U1', updatedAt: 2 },
      { name: 'welcome', text: 'Hello {name}, I am {agent}', updatedBy: 'U2', updatedAt: 3 },
    ]);
    await store.deleteReply('closing');
    expect(await store.savedReply('closing')).toBeUndefined();
    expect((await store.savedReplies()).map((r) => r.name)).toEqual(['welcome']);
  });

  it('finds the conversation of a number as the intake does, and keeps the first starter', async () => {
    const store = createAgentStartStore(ctx.store.db, () => 10);
    // First known by BSUID alone (number withheld), then the number came with it: the number leads there.
    await resolveConversation(ctx.store.db, { bsuid: BSUID }, 1);
    await resolveConversation(ctx.store.db, { bsuid: BSUID, phone: PHONE }, 2);
    expect(await store.conversationFor(PHONE)).toBe(BSUID);
    // A number never seen gets its own conversation, which its first message will find.
    expect(await store.conversationFor('16505550199')).toBe('16505550199');
    expect((await resolveConversation(ctx.store.db, { phone: '16505550199' }, 20))?.chatId).toBe('16505550199');
    await store.recordStarter('16505550199', 'U0AGENT001', 100);
    await store.recordStarter('16505550199', 'U0OTHER002', 200);
    expect(await store.starter('16505550199')).toEqual({ userId: 'U0AGENT001', at: 100 });
    expect(await store.starter(PHONE)).toBeUndefined();
  });
});
