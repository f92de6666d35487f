import { expect, it } from 'vitest';
import type { ContactRecord } from '../../../src/core/ports.js';
import type { ContractContext } from './context.js';

// Numbers in the range Meta's documentation uses for examples; a group id as WhatsApp Web shows one.
const person = (chatId: string, extra: Partial<ContactRecord> = {}) => ({ chatId, transport: 'cloud' as const, waId: chatId, phone: chatId, isGroup: false, ...extra });

/** The operator console's conversation list (Store.directory). */
export function directoryCases(ctx: ContractContext): void {
  const seed = async () => {
    const { contacts, identities, tickets } = ctx.store;
    await contacts.upsert(person('16505551234', { name: 'Sheena Nelson', username: 'sheena_n', lastInboundAt: ctx.clock.now + 50 }));
    ctx.clock.now += 10;
    await contacts.upsert(person('16505550199', { name: 'Ana Souza' }));
    await identities.claim('16505550199', [{ kind: 'bsuid', value: 'US.13491208655302741918' }], ctx.clock.now);
    ctx.clock.now += 10;
    await contacts.upsert({ chatId: '120363025246125486@g.us', transport: 'web', waId: '120363025246125486@g.us', phone: '', isGroup: true, name: 'Ward 3 (100%_staff)' });
    await contacts.setCard('120363025246125486@g.us', 'C0123456789', '1749416383.000100');
    await tickets.save({ key: 'SUP-1', id: '10001', chatId: '16505550199', status: 'Resolved', done: true, url: 'https://example.atlassian.net/browse/SUP-1', sla: [], slaWarned: [], closedAt: ctx.clock.now });
    ctx.clock.now += 10;
    await tickets.save({ key: 'SUP-2', id: '10002', chatId: '16505550199', status: 'Waiting for support', done: false, url: 'https://example.atlassian.net/browse/SUP-2', sla: [], slaWarned: [] });
  };

  it('lists conversations newest activity first, a page at a time, with their latest request', async () => {
    await seed();
    const all = await ctx.store.directory.search({ limit: 10, offset: 0 });
    // Sheena's last message (t+50) is newer than the group's card (t+20).
    expect(all.map((c) => c.chatId)).toEqual(['16505551234', '120363025246125486@g.us', '16505550199']);
    expect(all[0]).toEqual({ chatId: '16505551234', name: 'Sheena Nelson', phone: '16505551234', username: 'sheena_n', isGroup: false, transport: 'cloud', lastActivityAt: 1_000_050 });
    expect(all[1]).toMatchObject({ isGroup: true, transport: 'web', slackChannel: 'C0123456789', cardTs: '1749416383.000100', lastActivityAt: 1_000_020 });
    expect(all[1]!.phone).toBeUndefined();
    expect(all[2]!.ticket).toEqual({ key: 'SUP-2', url: 'https://example.atlassian.net/browse/SUP-2', done: false });
    expect((await ctx.store.directory.search({ limit: 1, offset: 1 })).map((c) => c.chatId)).toEqual(['120363025246125486@g.us']);
    expect(await ctx.store.directory.search({ limit: 10, offset: 3 })).toEqual([]);
  });

  it('finds a conversation by any part of a name, username, number or identifier', async () => {
    await seed();
    const find = async (text: string) => (await ctx.store.directory.search({ text, limit: 10, offset: 0 })).map((c) => c.chatId);
    expect(await find('sheena')).toEqual(['16505551234']);
    expect(await find('@SHEENA_N')).toEqual(['16505551234']);
    expect(await find('+1 (650) 555-0199')).toEqual(['16505550199']);
    expect(await find('13491208655302741918')).toEqual(['16505550199']);
    // LIKE's wildcards in the text are taken literally.
    expect(await find('100%_')).toEqual(['120363025246125486@g.us']);
    expect(await find('%')).toEqual(['120363025246125486@g.us']);
    expect(await find('nobody')).toEqual([]);
    expect(await find('   ')).toHaveLength(3);
  });
}
