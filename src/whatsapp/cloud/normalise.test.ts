import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cloudWebhook, WA_ID } from '../../../test/support/webhooks.js';
import { normaliseCloudWebhook } from './normalise.js';
import { parseCloudWebhook } from './payload.js';

const NOW = 1_749_500_000_000;

function normalise(body: unknown) {
  const parsed = parseCloudWebhook(body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return normaliseCloudWebhook(parsed.value, NOW);
}

describe('normaliseCloudWebhook with malformed items', () => {
  it('turns an addressable malformed message into an unreadable notice, stamped now when its time cannot be read', () => {
    const out = normalise(cloudWebhook({ messages: [{ from: WA_ID, id: 'wamid.bad-time', timestamp: 'yesterday', type: 'text', text: { body: 'hi' } }] }));
    expect(out.messages).toEqual([
      {
        message: {
          id: 'wamid.bad-time',
          transport: 'cloud',
          chatId: WA_ID,
          businessNumber: '15550783881',
          sender: { waId: WA_ID },
          timestamp: NOW,
          content: { kind: 'unsupported', reason: 'text', malformed: { field: 'timestamp' } },
        },
        contact: { waId: WA_ID, name: undefined, businessNumber: '15550783881', ids: { phone: WA_ID } },
      },
    ]);
    expect(out.rejected).toEqual([
      { kind: 'message', at: 'entry.0.changes.0.value.messages.0', field: 'timestamp', reason: 'expected a Unix time in seconds', shown: true },
    ]);
  });

  it('leaves out what names no sender, and keeps going past bad metadata', () => {
    const body = cloudWebhook({ messages: ['not an object', { id: 'wamid.no-from', type: 'text' }, { from: WA_ID, id: 'wamid.ok', timestamp: '1749416383', type: 'text', text: { body: 'fine' } }] });
    (body.entry[0]!.changes[0]!.value as Record<string, unknown>).metadata = { display_phone_number: 15550783881 };
    const out = normalise(body);
    expect(out.messages.map((m) => [m.message.id, m.message.content.kind, m.message.businessNumber])).toEqual([['wamid.ok', 'text', '']]);
    expect(out.rejected.map((r) => [r.kind, r.field, r.shown])).toEqual([
      ['metadata', 'display_phone_number', false],
      ['message', '', false],
      // `from` may be withheld now (a BSUID names the sender): the first wrong field is the time.
      ['message', 'timestamp', false],
    ]);
  });

  it('does not check the items of fields it does not show', () => {
    const out = normalise({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'history', value: { messages: 'whatever', history: [{}, {}] } }] }] });
    expect(out).toMatchObject({ messages: [], statuses: [], ignoredFields: ['history'], unread: [{ field: 'history', items: 2 }], rejected: [] });
  });
});

function fixtureBody(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/whatsapp-cloud/${name}.json`, import.meta.url), 'utf8'));
}

const ORIGINAL = 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=';

describe('normaliseCloudWebhook for every documented event', () => {
  const only = (name: string) => {
    const out = normalise(fixtureBody(name));
    expect(out.rejected).toEqual([]);
    expect(out.messages).toHaveLength(1);
    return out.messages[0]!;
  };

  it('reads an order item by item', () => {
    expect(only('inbound-order').message.content).toEqual({
      kind: 'order',
      catalogId: '194836987003835',
      note: 'Please deliver before Friday',
      items: [
        { productRetailerId: 'di9ozbzfi4', quantity: 2, itemPrice: 30, currency: 'USD' },
        { productRetailerId: 'nqryix03ez', quantity: 1, itemPrice: 25, currency: 'USD' },
      ],
    });
  });

  it('parses a Flow’s response_json into fields, the flow token apart, nested fields flattened', () => {
    const { content } = only('inbound-flow-reply').message;
    expect(content).toMatchObject({ kind: 'flow_reply', flowName: 'flow', body: 'Sent', token: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.' });
    expect(content.kind === 'flow_reply' && content.fields).toContainEqual({ name: 'wants_reminder', value: 'true' });
    expect(content.kind === 'flow_reply' && content.fields).toContainEqual({ name: 'topics', value: 'billing, delivery' });
    const nested = cloudWebhook({
      messages: [{ from: WA_ID, id: 'wamid.addr', timestamp: '1749416700', type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'address_message', response_json: '{"values":{"name":"Sheena","city":"Palo Alto"}}' } } }],
    });
    expect(normalise(nested).messages[0]!.message.content).toEqual({
      kind: 'flow_reply',
      flowName: 'address_message',
      fields: [
        { name: 'values.name', value: 'Sheena' },
        { name: 'values.city', value: 'Palo Alto' },
      ],
    });
  });

  it('keeps a Flow answer whose JSON cannot be read, marked unreadable', () => {
    const body = cloudWebhook({
      messages: [{ from: WA_ID, id: 'wamid.bad-json', timestamp: '1749416700', type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{not json' } } }],
    });
    expect(normalise(body).messages[0]!.message.content).toEqual({ kind: 'flow_reply', flowName: 'flow', body: 'Sent', fields: [], unreadable: true });
  });

  it('reads a call permission answer', () => {
    expect(only('inbound-call-permission-reply').message.content).toEqual({ kind: 'call_permission', granted: true, permanent: false, expiresAt: 1_750_021_510_000 });
  });

  it('reads an edit as the new version of the original message, and a revoke as its deletion', () => {
    expect(only('inbound-edit').message.content).toEqual({ kind: 'edit', targetId: ORIGINAL, content: { kind: 'text', body: 'Does it come in another color? Blue, ideally.' } });
    expect(only('inbound-edit-image').message.content).toMatchObject({ kind: 'edit', targetId: ORIGINAL, content: { kind: 'media', mediaKind: 'image', caption: 'The Taj Mahal at sunset' } });
    const revoke = only('inbound-revoke').message;
    expect(revoke.content).toEqual({ kind: 'revoke', targetId: ORIGINAL });
    expect(revoke.replyTo).toBeUndefined();
  });

  it('names what WhatsApp did not pass on, with Meta’s error; a type newer than the bridge is marked so', () => {
    expect(only('inbound-unsupported-edit').message.content).toEqual({
      kind: 'unsupported',
      reason: 'edit',
      error: { code: 131051, title: 'Message type unknown', details: 'Message type is currently not supported.' },
    });
    expect(only('inbound-unknown-type').message.content).toEqual({ kind: 'unsupported', reason: 'hologram', unknownKind: true });
    expect(only('inbound-request-welcome').message.content).toEqual({ kind: 'welcome_request' });
  });

  it('carries the ad a message came from', () => {
    expect(only('inbound-text-referral').message.referral).toEqual({
      sourceType: 'ad',
      sourceId: '120226305854810726',
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
      headline: 'Lucky Shrub Fall Collection',
      body: 'Chat with us to learn more about our fall collection!',
      mediaType: 'image',
      mediaUrl: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/518949597_1234567_n.png',
    });
  });

  it('turns a business echo into a message from the phone in the person’s conversation', () => {
    const echo = only('echo-text');
    expect(echo.message).toMatchObject({ chatId: WA_ID, fromPhone: true, sender: { waId: '15550783881' }, content: { kind: 'text' } });
    expect(echo.contact).toEqual({ waId: WA_ID, businessNumber: '15550783881', ids: { phone: WA_ID } });
    // Meta documents the person's number as the API takes it, `+` included.
    const plus = JSON.parse(JSON.stringify(fixtureBody('echo-text')).replace('"to":"16505551234"', '"to":"+16505551234"'));
    expect(normalise(plus).messages[0]!.message.chatId).toBe(WA_ID);
  });

  it('turns a marketing preference into a notice with an id of its own, the same for Meta’s retries', () => {
    const a = only('user-preferences-stop');
    expect(a.message).toMatchObject({ chatId: WA_ID, timestamp: 1_731_705_721_000, content: { kind: 'preference', category: 'marketing_messages', value: 'stop' } });
    expect(only('user-preferences-stop').message.id).toBe(a.message.id);
    expect(a.message.id).not.toContain(WA_ID);
  });

  it('leaves out another phone number’s changes and says which, and acknowledges sync fields unread', () => {
    const parsed = parseCloudWebhook(fixtureBody('other-number-text'));
    if (!parsed.ok) throw new Error(parsed.reason);
    const out = normaliseCloudWebhook(parsed.value, { now: NOW, phoneNumberId: '106540352242922' });
    expect(out.messages).toEqual([]);
    expect(out.otherNumbers).toEqual([{ phoneNumberId: '106540352242923', items: 1 }]);
    // Without a configured number every change is the service's, as before.
    expect(normaliseCloudWebhook(parsed.value, NOW).messages).toHaveLength(1);
    const sync = normalise(fixtureBody('smb-app-state-sync'));
    expect(sync).toMatchObject({ messages: [], unread: [{ field: 'smb_app_state_sync', items: 1 }] });
  });

  it('reports account-level errors and unknown status values without failing the delivery', () => {
    const body = cloudWebhook({
      statuses: [{ id: 'wamid.s', status: 'played', timestamp: '1749416700', recipient_id: WA_ID }],
    }) as { entry: Array<{ changes: Array<{ value: Record<string, unknown> }> }> };
    body.entry[0]!.changes[0]!.value.errors = [{ code: 131042, title: 'Business eligibility payment issue', message: 'x' }];
    const out = normalise(body);
    expect(out.accountErrors).toEqual([{ code: 131042, title: 'Business eligibility payment issue' }]);
    expect(out.unknownStatuses).toEqual(['played']);
    expect(out.statuses).toEqual([]);
  });
});
