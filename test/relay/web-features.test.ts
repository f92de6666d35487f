import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/core/model.js';
import { relayInbound, type InboundDeps } from '../../src/core/relay/inbound.js';
import type { Store } from '../../src/core/store/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { createFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { inboundDeps } from '../support/inbound-deps.js';

const CHANNEL = 'C0123456789';
const GROUP = '120363025246125486@g.us';

/** What the WhatsApp Web transport hands the relay: edits, deletions, the phone's own messages, groups. */
describe('relaying what only WhatsApp Web reports', () => {
  let slack: FakeSlack;
  let store: Store;
  let deps: InboundDeps;

  const msg = (over: Partial<InboundMessage>): InboundMessage => ({
    id: `3EB0${Math.random().toString(16).slice(2, 14).toUpperCase()}`,
    transport: 'web',
    chatId: '16505551234',
    businessNumber: '15550783881',
    sender: { waId: '16505551234', name: 'Sheena Nelson' },
    timestamp: Date.now(),
    content: { kind: 'text', body: 'hello' },
    ...over,
  });
  const relay = (message: InboundMessage, name = 'Sheena Nelson') =>
    relayInbound({ message, contact: { waId: message.sender.waId, name, businessNumber: '15550783881' } }, deps);
  const thread = () => slack.threadReplies(CHANNEL, slack.topLevel(CHANNEL)[0]!.ts);

  beforeEach(async () => {
    slack = await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }] });
    // The relay alone, on the in-memory store: no app, no database.
    store = createMemoryStore();
    deps = inboundDeps(slack, store, CHANNEL);
    await (deps.chat as ReturnType<typeof inboundDeps>['chat']).identity();
  });
  afterEach(async () => {
    await store.close();
    await slack.close();
  });

  it('marks a message written on the business phone, without taking it for the contact', async () => {
    await relay(msg({ content: { kind: 'text', body: 'first from the contact' }, timestamp: Date.now() - 60_000 }));
    const before = await deps.contacts.get('16505551234');
    await relay(msg({ fromPhone: true, sender: { waId: '16505551234', name: 'Clinic front desk' }, content: { kind: 'text', body: 'we open at 8' } }), 'Clinic front desk');
    const [, fromPhone] = thread();
    expect(fromPhone!.username).toBe('Sent from the phone');
    expect(JSON.stringify(fromPhone!.blocks)).toContain('Sent from the phone');
    const after = await deps.contacts.get('16505551234');
    expect(after!.name).toBe('Sheena Nelson');
    expect(after!.lastInboundAt).toBe(before!.lastInboundAt);
  });

  it('shows an edit and a deletion against the message they change', async () => {
    const original = msg({ content: { kind: 'text', body: 'see you at 3pm' } });
    await relay(original);
    await relay(msg({ edited: true, replyTo: { id: original.id }, content: { kind: 'text', body: 'see you at 4pm' } }));
    await relay(msg({ deleted: true, replyTo: { id: original.id }, content: { kind: 'system', description: 'message deleted' } }));
    const [, edit, deletion] = thread();
    expect(edit!.text).toContain('> _before:_ see you at 3pm');
    expect(edit!.text).toContain('see you at 4pm');
    expect(JSON.stringify(edit!.blocks)).toContain('edited');
    expect(JSON.stringify(deletion!.blocks)).toContain('deleted this message');
  });

  it('gives a group one card and names each sender on their messages', async () => {
    await relay(msg({ chatId: GROUP, sender: { waId: '16505551234', name: 'Sheena Nelson' }, content: { kind: 'text', body: 'morning all' } }), 'Ward 3 nurses');
    await relay(msg({ chatId: GROUP, sender: { waId: '16505550123', name: 'Barbara Johnson', photoUrl: 'https://pps.whatsapp.net/v/barbara.jpg' }, content: { kind: 'text', body: 'morning' } }), 'Ward 3 nurses');
    expect(slack.topLevel(CHANNEL)).toHaveLength(1);
    // Each member's own picture on their posts.
    expect(thread().map((m) => m.icon_url ?? m.icon_emoji)).toEqual([':bust_in_silhouette:', 'https://pps.whatsapp.net/v/barbara.jpg']);
    expect(JSON.stringify(slack.topLevel(CHANNEL)[0]!.blocks)).toContain('Ward 3 nurses');
    expect(thread().map((m) => m.username)).toEqual(['Sheena Nelson', 'Barbara Johnson']);
    // Replies go to the group, not to whoever wrote last.
    expect(await deps.contacts.get(GROUP)).toMatchObject({ waId: GROUP, isGroup: true, phone: '' });
  });
});
