import { describe, expect, it } from 'vitest';
import type { DeliveryStatus } from '../../src/core/model.js';
import { createContactStore, createEffectLog, createMessageMap } from '../../src/store/repos.js';
import { storeFixtures, useMigratedStore } from '../support/stores.js';

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

describe.each(storeFixtures)('repositories on $name', (fixture) => {
  const ctx = useMigratedStore(fixture);

  it('upserts contacts, keeping what an update does not say', async () => {
    const contacts = createContactStore(ctx.store.db);
    await contacts.upsert({ ...contact, photoUrl: 'https://example.com/p.jpg' });
    const updated = await contacts.upsert({ ...contact, name: undefined, photoUrl: undefined, lastInboundAt: 2_000 });
    expect(updated).toMatchObject({ name: 'Sheena Nelson', photoUrl: 'https://example.com/p.jpg', lastInboundAt: 2_000, cardTs: undefined });
    const renamed = await contacts.upsert({ ...contact, name: 'Sheena N.' });
    expect(renamed.name).toBe('Sheena N.');
  });

  it('keeps one card per contact and finds a contact by its card', async () => {
    const contacts = createContactStore(ctx.store.db);
    await contacts.upsert(contact);
    await contacts.upsert({ ...contact, chatId: '16505550000', waId: '16505550000', phone: '16505550000' });
    await contacts.setCard(contact.chatId, 'C1', '1700000000.000100');
    expect((await contacts.findByCard('C1', '1700000000.000100'))?.chatId).toBe(contact.chatId);
    // A second contact can never point at the same card.
    await expect(contacts.setCard('16505550000', 'C1', '1700000000.000100')).rejects.toThrow();
    expect(await contacts.findByCard('C1', '1700000000.000999')).toBeUndefined();
  });

  it('maps WhatsApp ids to Slack messages both ways', async () => {
    const map = createMessageMap(ctx.store.db);
    await map.link({ waMessageId: 'wamid.1', chatId: 'c', direction: 'in', slackChannel: 'C1', slackTs: '1.1', excerpt: 'hello' });
    // Linking again (a retried job) keeps the first mapping.
    await map.link({ waMessageId: 'wamid.1', chatId: 'c', direction: 'in', slackChannel: 'C1', slackTs: '9.9' });
    expect(await map.byWaId('wamid.1')).toMatchObject({ slackTs: '1.1', excerpt: 'hello', direction: 'in' });
    expect((await map.bySlackTs('C1', '1.1'))?.waMessageId).toBe('wamid.1');
    expect(await map.byWaId('wamid.unknown')).toBeUndefined();
  });

  it.each<[DeliveryStatus[], DeliveryStatus]>([
    [['sent', 'delivered', 'read'], 'read'],
    [['read', 'delivered', 'sent'], 'read'],
    [['delivered', 'sent'], 'delivered'],
    [['sent', 'failed', 'delivered'], 'failed'],
    [['failed', 'read'], 'read'],
  ])('never downgrades a delivery state: %j ends %s', async (sequence, final) => {
    const map = createMessageMap(ctx.store.db);
    await map.link({ waMessageId: 'wamid.out', chatId: 'c', direction: 'out', slackChannel: 'C1', slackTs: '1.1' });
    for (const [i, status] of sequence.entries()) {
      await map.recordStatus({
        messageId: 'wamid.out',
        status,
        timestamp: 1_000 + i,
        recipient: 'c',
        errors: status === 'failed' ? [{ code: 131026, title: 'Message undeliverable' }] : undefined,
      });
    }
    const link = await map.byWaId('wamid.out');
    expect(link?.status).toBe(final);
    if (final === 'failed') expect(link?.statusError).toContain('131026');
  });

  it('keeps statuses for messages it does not know yet', async () => {
    const map = createMessageMap(ctx.store.db);
    const r = await map.recordStatus({ messageId: 'wamid.later', status: 'sent', timestamp: 1, recipient: 'c' });
    expect(r).toEqual({ status: 'sent', changed: false });
    const rows = await ctx.store.db.selectFrom('message_statuses').selectAll().execute();
    expect(rows).toHaveLength(1);
  });

  it('remembers side effects by key', async () => {
    const effects = createEffectLog(ctx.store.db);
    expect(await effects.get('post:wamid.1:0')).toBeUndefined();
    await effects.put('post:wamid.1:0', '1700000000.000200');
    expect(await effects.get('post:wamid.1:0')).toBe('1700000000.000200');
    expect(await effects.prune(Date.now() - 60_000)).toBe(0);
    expect(await effects.prune(Date.now() + 1)).toBe(1);
    expect(await effects.get('post:wamid.1:0')).toBeUndefined();
  });
});
