import { expect, it } from 'vitest';
import type { DeliveryStatus } from '../../../src/core/model.js';
import type { ContractContext } from './context.js';

// A number in the range Meta's documentation uses for examples (Cloud API, "Phone numbers").
const contact = {
  chatId: '16505551234',
  transport: 'cloud' as const,
  waId: '16505551234',
  name: 'Sheena Nelson',
  phone: '16505551234',
  businessNumber: '15550783881',
  isGroup: false,
  lastInboundAt: 1_000,
};

/** Contacts, the message map, side-effect results and Jira lines: what the relay keeps. */
export function recordCases(ctx: ContractContext): void {
  it('upserts contacts, keeping what an update does not say and never touching the card', async () => {
    const { contacts } = ctx.store;
    await contacts.upsert({ ...contact, photoUrl: 'https://example.com/p.jpg' });
    await contacts.setCard(contact.chatId, 'C1', '1700000000.000100');
    const updated = await contacts.upsert({ ...contact, name: undefined, photoUrl: undefined, lastInboundAt: 2_000 });
    expect(updated).toMatchObject({ name: 'Sheena Nelson', photoUrl: 'https://example.com/p.jpg', lastInboundAt: 2_000, slackChannel: 'C1', cardTs: '1700000000.000100' });
    expect((await contacts.upsert({ ...contact, name: 'Sheena N.' })).name).toBe('Sheena N.');
    expect(await contacts.get(contact.chatId)).toMatchObject({ name: 'Sheena N.', isGroup: false, transport: 'cloud', businessNumber: '15550783881' });
    expect(await contacts.get('nobody')).toBeUndefined();
  });

  it('keeps each conversation’s route; one written without a route is the implicit route’s', async () => {
    const { contacts } = ctx.store;
    expect((await contacts.upsert(contact)).route).toBe('default');
    const routed = { ...contact, chatId: `sales~${contact.chatId}`, route: 'sales' };
    expect((await contacts.upsert(routed)).route).toBe('sales');
    // A later update that does not say keeps it: a conversation never changes route.
    await contacts.upsert({ ...routed, route: undefined, name: 'Sheena' });
    expect(await contacts.get(routed.chatId)).toMatchObject({ route: 'sales', name: 'Sheena' });
    expect((await contacts.get(contact.chatId))?.route).toBe('default');
  });

  it('keeps one card per contact and finds a contact by its card', async () => {
    const { contacts } = ctx.store;
    await contacts.upsert(contact);
    await contacts.upsert({ ...contact, chatId: '16505550000', waId: '16505550000', phone: '16505550000' });
    await contacts.setCard(contact.chatId, 'C1', '1700000000.000100');
    expect((await contacts.findByCard('C1', '1700000000.000100'))?.chatId).toBe(contact.chatId);
    // A second contact can never point at the same card.
    await expect(contacts.setCard('16505550000', 'C1', '1700000000.000100')).rejects.toThrow();
    expect(await contacts.findByCard('C1', '1700000000.000999')).toBeUndefined();
  });

  it('maps WhatsApp ids to Slack messages both ways', async () => {
    const map = ctx.store.messages;
    await map.link({ waMessageId: 'wamid.1', chatId: 'c', direction: 'in', slackChannel: 'C1', slackTs: '1.1', excerpt: 'hello' });
    // Linking again (a retried job) keeps the first mapping.
    await map.link({ waMessageId: 'wamid.1', chatId: 'c', direction: 'in', slackChannel: 'C1', slackTs: '9.9' });
    expect(await map.byWaId('wamid.1')).toMatchObject({ slackTs: '1.1', excerpt: 'hello', direction: 'in', chatId: 'c' });
    expect((await map.bySlackTs('C1', '1.1'))?.waMessageId).toBe('wamid.1');
    expect(await map.byWaId('wamid.unknown')).toBeUndefined();
  });

  it('finds every part one Slack message became, in order, and the contact’s latest inbound message', async () => {
    const map = ctx.store.messages;
    for (const [i, id] of ['wamid.p1', 'wamid.p2', 'wamid.p3'].entries()) {
      await map.link({ waMessageId: id, chatId: 'c', direction: 'out', slackChannel: 'C1', slackTs: '5.5' });
      ctx.clock.now += i;
    }
    expect((await map.allBySlackTs('C1', '5.5')).map((l) => l.waMessageId)).toEqual(['wamid.p1', 'wamid.p2', 'wamid.p3']);
    await map.link({ waMessageId: 'wamid.in1', chatId: 'c', direction: 'in', slackChannel: 'C1', slackTs: '6.1' });
    ctx.clock.now += 10;
    await map.link({ waMessageId: 'wamid.in2', chatId: 'c', direction: 'in', slackChannel: 'C1', slackTs: '6.2' });
    expect((await map.latestInbound('c'))?.waMessageId).toBe('wamid.in2');
    expect(await map.latestInbound('someone-else')).toBeUndefined();
  });

  it.each<[DeliveryStatus[], DeliveryStatus]>([
    [['sent', 'delivered', 'read'], 'read'],
    [['read', 'delivered', 'sent'], 'read'],
    [['delivered', 'sent'], 'delivered'],
    [['sent', 'failed', 'delivered'], 'failed'],
    [['failed', 'read'], 'read'],
  ])('never downgrades a delivery state: %j ends %s', async (sequence, final) => {
    const map = ctx.store.messages;
    await map.link({ waMessageId: 'wamid.out', chatId: 'c', direction: 'out', slackChannel: 'C1', slackTs: '1.1' });
    for (const [i, status] of sequence.entries()) {
      const errors = status === 'failed' ? [{ code: 131026, title: 'Message undeliverable' }] : undefined;
      const r = await map.recordStatus({ messageId: 'wamid.out', status, timestamp: 1_000 + i, recipient: 'c', errors });
      expect(r.link?.waMessageId).toBe('wamid.out');
    }
    const link = await map.byWaId('wamid.out');
    expect(link?.status).toBe(final);
    if (final === 'failed') expect(link?.statusError).toContain('131026');
  });

  it('says what changed when a status moves a message on', async () => {
    const map = ctx.store.messages;
    await map.link({ waMessageId: 'wamid.out', chatId: 'c', direction: 'out', slackChannel: 'C1', slackTs: '1.1' });
    expect(await map.recordStatus({ messageId: 'wamid.out', status: 'sent', timestamp: 1, recipient: 'c' })).toMatchObject({ status: 'sent', changed: true, link: { status: 'sent' } });
    expect(await map.recordStatus({ messageId: 'wamid.out', status: 'read', timestamp: 2, recipient: 'c' })).toMatchObject({ status: 'read', changed: true, previous: 'sent' });
    expect(await map.recordStatus({ messageId: 'wamid.out', status: 'delivered', timestamp: 3, recipient: 'c' })).toMatchObject({ status: 'read', changed: false });
  });

  it('answers a status for a message it does not know yet without failing', async () => {
    const r = await ctx.store.messages.recordStatus({ messageId: 'wamid.later', status: 'sent', timestamp: 1, recipient: 'c' });
    expect(r).toEqual({ status: 'sent', changed: false });
    expect(await ctx.store.messages.recordStatus({ messageId: 'wamid.later', status: 'sent', timestamp: 1, recipient: 'c' })).toEqual({ status: 'sent', changed: false });
  });

  it('remembers side effects by key, and forgets them after the retention period', async () => {
    const { effects } = ctx.store;
    expect(await effects.get('post:wamid.1:0')).toBeUndefined();
    await effects.put('post:wamid.1:0', '1700000000.000200');
    await effects.put('post:wamid.1:0', '1700000000.000300');
    expect(await effects.get('post:wamid.1:0')).toBe('1700000000.000300');
    ctx.clock.now += 10;
    await effects.put('card:c', '1700000000.000400');
    expect(await effects.prune(ctx.clock.now - 10)).toBe(0);
    expect(await effects.prune(ctx.clock.now)).toBe(1);
    expect(await effects.get('post:wamid.1:0')).toBeUndefined();
    expect(await effects.get('card:c')).toBe('1700000000.000400');
  });
}
