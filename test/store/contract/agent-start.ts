import { expect, it } from 'vitest';
import { createAgentStartStore } from '../../../src/core/start/agent-store.js';
import type { ContractContext } from './context.js';

const PHONE = '16505551234';
const BSUID = 'US.13491208655302741918';

/** Saved replies and conversation starts (Store.savedReplies, Store.conversationStarts; issue 12). */
export function agentStartCases(ctx: ContractContext): void {
  it('keeps saved replies by name in ASCII order, replaces one saved again, and deletes', async () => {
    const { savedReplies } = ctx.store;
    await savedReplies.save({ name: 'welcome', text: 'Hi {name}', updatedBy: 'U0AGENT001', updatedAt: 1 });
    await savedReplies.save({ name: 'closing', text: 'Bye {name}', fileUrl: 'https://example.com/a.pdf', updatedBy: 'U0AGENT001', updatedAt: 2 });
    await savedReplies.save({ name: 'Hours', text: 'We open at 8', updatedBy: 'U0AGENT001', updatedAt: 3 });
    // Saved again without its file: the link goes, the rest is replaced.
    await savedReplies.save({ name: 'closing', text: 'Take care, {name}', updatedBy: 'U0OTHER002', updatedAt: 4 });
    expect(await savedReplies.list()).toEqual([
      { name: 'Hours', text: 'We open at 8', updatedBy: 'U0AGENT001', updatedAt: 3 },
      { name: 'closing', text: 'Take care, {name}', updatedBy: 'U0OTHER002', updatedAt: 4 },
      { name: 'welcome', text: 'Hi {name}', updatedBy: 'U0AGENT001', updatedAt: 1 },
    ]);
    expect(await savedReplies.get('welcome')).toEqual({ name: 'welcome', text: 'Hi {name}', updatedBy: 'U0AGENT001', updatedAt: 1 });
    // Names are exact: another case is another reply.
    expect(await savedReplies.get('hours')).toBeUndefined();
    await savedReplies.delete('closing');
    await savedReplies.delete('closing');
    expect(await savedReplies.get('closing')).toBeUndefined();
    expect((await savedReplies.list()).map((r) => r.name)).toEqual(['Hours', 'welcome']);
  });

  it('keeps a saved reply’s file link, and what another instance saved is read back', async () => {
    await ctx.store.savedReplies.save({ name: 'visiting', text: 'See the hours', fileUrl: 'https://example.com/visiting-hours.pdf', updatedBy: 'U0AGENT001', updatedAt: 5 });
    const other = await ctx.another();
    expect(await other.savedReplies.get('visiting')).toEqual({ name: 'visiting', text: 'See the hours', fileUrl: 'https://example.com/visiting-hours.pdf', updatedBy: 'U0AGENT001', updatedAt: 5 });
    await other.savedReplies.save({ name: 'visiting', text: 'New hours', fileUrl: 'https://example.com/v2.pdf', updatedBy: 'U0OTHER002', updatedAt: 6 });
    expect(await ctx.store.savedReplies.list()).toEqual([{ name: 'visiting', text: 'New hours', fileUrl: 'https://example.com/v2.pdf', updatedBy: 'U0OTHER002', updatedAt: 6 }]);
  });

  it('keeps a saved reply’s Slack file, and drops it when saved again without one', async () => {
    const file = { id: 'F0SAVEDFILE', name: 'visiting-hours.pdf', mimetype: 'application/pdf', size: 48_213, urlPrivate: 'https://files.slack.com/files-pri/T0FAKETEAM-F0SAVEDFILE/visiting-hours.pdf' };
    await ctx.store.savedReplies.save({ name: 'hours', text: 'Our visiting hours', file, updatedBy: 'U0AGENT001', updatedAt: 7 });
    expect(await ctx.store.savedReplies.get('hours')).toEqual({ name: 'hours', text: 'Our visiting hours', file, updatedBy: 'U0AGENT001', updatedAt: 7 });
    await ctx.store.savedReplies.save({ name: 'hours', text: 'Our visiting hours', updatedBy: 'U0AGENT001', updatedAt: 8 });
    expect(await ctx.store.savedReplies.list()).toEqual([{ name: 'hours', text: 'Our visiting hours', updatedBy: 'U0AGENT001', updatedAt: 8 }]);
  });

  it('keeps the first start of a conversation, also when two are recorded at once', async () => {
    const { conversationStarts } = ctx.store;
    expect(await conversationStarts.get(PHONE)).toBeUndefined();
    await conversationStarts.record(PHONE, { userId: 'U0AGENT001', at: 100 });
    await conversationStarts.record(PHONE, { userId: 'U0OTHER002', at: 200 });
    expect(await conversationStarts.get(PHONE)).toEqual({ userId: 'U0AGENT001', at: 100 });
    const other = await ctx.another();
    await Promise.all([
      conversationStarts.record('16505550199', { userId: 'U0AGENT001', at: 300 }),
      other.conversationStarts.record('16505550199', { userId: 'U0OTHER002', at: 301 }),
    ]);
    const first = await conversationStarts.get('16505550199');
    expect([{ userId: 'U0AGENT001', at: 300 }, { userId: 'U0OTHER002', at: 301 }]).toContainEqual(first);
    expect(await other.conversationStarts.get('16505550199')).toEqual(first);
  });

  it('finds the conversation of a typed number as the intake does; a number never seen gets its own', async () => {
    const start = createAgentStartStore(ctx.store, () => ctx.clock.now);
    // First known by BSUID alone (number withheld), then the number came with it: the number leads there.
    await ctx.store.identities.claim(BSUID, [{ kind: 'bsuid', value: BSUID }], 1);
    await ctx.store.identities.claim(BSUID, [{ kind: 'phone', value: PHONE }], 2);
    expect(await start.conversationFor(PHONE)).toBe(BSUID);
    // The new number joins its own conversation, which its first message finds.
    expect(await start.conversationFor('16505550199')).toBe('16505550199');
    expect(await ctx.store.identities.lookup([{ kind: 'phone', value: '16505550199' }])).toEqual([{ kind: 'phone', value: '16505550199', chatId: '16505550199' }]);
  });
}
