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
