import type { MessageUserReceiptUpdate, WAMessageUpdate } from 'baileys';
import { describe, expect, it } from 'vitest';
import { jidFor, userIdOf } from '../../src/whatsapp/web/jids.js';
import { mapStatusUpdate, mapUserReceipt } from '../../src/whatsapp/web/map-status.js';
import { fixtureJson } from './support.js';

describe('mapStatusUpdate (messages.update receipts)', () => {
  const updates = fixtureJson<WAMessageUpdate[]>('messages-update');
  const mapped = updates.map((u) => mapStatusUpdate(u, () => 42_000));

  it('maps server ack, delivery, read and played for messages we sent', () => {
    expect(mapped.slice(0, 4)).toEqual([
      { messageId: '3EB0AGENTREPLY0001', status: 'sent', timestamp: 1767366800000, recipient: '16505551234' },
      { messageId: '3EB0AGENTREPLY0001', status: 'delivered', timestamp: 1767366801000, recipient: '16505551234' },
      // A LID chat is named by its number when Baileys knows it, as inbound messages are.
      { messageId: '3EB0AGENTREPLY0002', status: 'read', timestamp: 1767366900000, recipient: '16505551234' },
      { messageId: '3EB0AGENTREPLY0003', status: 'read', timestamp: 1767366950000, recipient: '16505551234' },
    ]);
  });

  it('maps an error ack to failed with the server code', () => {
    expect(mapped[4]).toEqual({
      messageId: '3EB0AGENTREPLY0004',
      status: 'failed',
      timestamp: 42_000,
      recipient: '16505551234',
      errors: [{ code: 463, title: 'WhatsApp Web error 463' }],
    });
  });

  it('ignores receipts for incoming messages, edits and deletions', () => {
    expect(mapped.slice(5)).toEqual([undefined, undefined, undefined]);
  });
});

describe('mapUserReceipt (group receipts per participant)', () => {
  it('maps delivery and read in the group lane', () => {
    const receipts = fixtureJson<MessageUserReceiptUpdate[]>('message-receipt-update');
    expect(receipts.map((r) => mapUserReceipt(r))).toEqual([
      { messageId: '3EB0AGENTGROUP0001', status: 'delivered', timestamp: 1767369400000, recipient: '120363041234567890@g.us' },
      { messageId: '3EB0AGENTGROUP0001', status: 'read', timestamp: 1767369460000, recipient: '120363041234567890@g.us' },
    ]);
  });
});

describe('chat ids and jids', () => {
  it('turns jids into the ids the bridge uses', () => {
    expect(userIdOf('16505551234@s.whatsapp.net')).toBe('16505551234');
    expect(userIdOf('16505551234:12@s.whatsapp.net')).toBe('16505551234');
    expect(userIdOf('16505551234@c.us')).toBe('16505551234');
    expect(userIdOf('140913951141911@lid')).toBe('140913951141911@lid');
    expect(userIdOf('140913951141911:3@lid', '16505551234:0@s.whatsapp.net')).toBe('16505551234');
    expect(userIdOf('120363041234567890@g.us')).toBeUndefined();
    expect(userIdOf('')).toBeUndefined();
  });

  it('turns ids back into jids to send to', () => {
    expect(jidFor('16505551234')).toBe('16505551234@s.whatsapp.net');
    expect(jidFor('+1 650 555 1234')).toBe('16505551234@s.whatsapp.net');
    expect(jidFor('120363041234567890@g.us')).toBe('120363041234567890@g.us');
    expect(jidFor('140913951141911@lid')).toBe('140913951141911@lid');
    expect(() => jidFor('nobody')).toThrow();
  });
});
