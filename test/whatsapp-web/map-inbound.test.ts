import { describe, expect, it } from 'vitest';
import type { MediaContent } from '../../src/core/model.js';
import { decodeMediaHandle } from '../../src/whatsapp/web/media-handle.js';
import { DELETED_NOTICE, mapInbound, type WebInbound } from '../../src/whatsapp/web/map-inbound.js';
import { fixtureMessage } from './support.js';

const ctx = { businessNumber: '16505550000', now: () => 1 };
const map = (name: string) => mapInbound(fixtureMessage(name), ctx);

function envelopeOf(r: WebInbound) {
  if (r.kind === 'ignored') throw new Error(`ignored: ${r.reason}`);
  return r.envelope;
}
const messageOf = (name: string) => envelopeOf(map(name)).message;
const mediaOf = (name: string) => messageOf(name).content as MediaContent;

describe('mapInbound: one-to-one text', () => {
  it('maps a conversation message with the sender, our number and the time in ms', () => {
    const r = map('text-conversation');
    expect(r).toEqual({
      kind: 'message',
      envelope: {
        message: {
          id: '3EB0C9A1F2D34E5B6A7C',
          transport: 'web',
          chatId: '16505551234',
          businessNumber: '16505550000',
          sender: { waId: '16505551234', name: 'Ana Souza' },
          timestamp: 1767366759000,
          content: { kind: 'text', body: 'Hi, my order #4411 has not arrived yet' },
        },
        contact: { waId: '16505551234', name: 'Ana Souza', businessNumber: '16505550000', ids: { phone: '16505551234' } },
      },
    });
  });

  it('maps a reply (extendedTextMessage with a quoted stanza)', () => {
    const m = messageOf('text-reply');
    expect(m.content).toEqual({ kind: 'text', body: 'Yes, that one' });
    expect(m.replyTo).toEqual({ id: '3EB0AGENTREPLY0001', from: '16505550000' });
    expect(m.forwarded).toBeUndefined();
  });

  it('marks forwarded, and frequently forwarded from a score of 5', () => {
    const m = messageOf('text-forwarded');
    expect(m).toMatchObject({ forwarded: true, frequentlyForwarded: true });
  });

  it('unwraps disappearing messages, and keeps a LID as the chat id when the number is unknown', () => {
    const r = envelopeOf(map('lid-unknown'));
    expect(r.contact.ids).toEqual({ lid: '140913951141911@lid' });
    expect(r.message.chatId).toBe('140913951141911@lid');
    expect(r.message.sender.waId).toBe('140913951141911@lid');
    expect(r.contact.waId).toBe('140913951141911@lid');
    expect(r.message.content).toEqual({ kind: 'text', body: 'Hello from a hidden number' });
  });
});

describe('mapInbound: media', () => {
  it('maps an image from a LID chat to the phone number Baileys passes along', () => {
    const m = messageOf('image');
    expect(m.chatId).toBe('16505551234');
    expect(m.content).toMatchObject({
      kind: 'media',
      mediaKind: 'image',
      mimeType: 'image/jpeg',
      caption: 'The box arrived damaged',
      sha256: '5ucevSaIggOVYVBEimAegPNf1MGRKrkHGPH4+zuBrho=',
    });
  });

  it('keeps what a download needs in the handle, and nothing heavy', () => {
    const handle = mediaOf('image').mediaId;
    expect(handle).not.toContain('jpegThumbnail');
    expect(handle.length).toBeLessThan(1000);
    const decoded = decodeMediaHandle(handle);
    expect(decoded.type).toBe('imageMessage');
    expect(decoded.size).toBe(41161);
    expect(decoded.mimeType).toBe('image/jpeg');
    expect(decoded.message.key).toEqual({ remoteJid: '140913951141911@lid', fromMe: false, id: 'AC9BE0D81D965A3C240B6ACAA891C6FD' });
    const image = decoded.message.message!.imageMessage!;
    expect(Buffer.from(image.mediaKey!).toString('base64')).toBe('wJWEW3bGp67bbAPJS6gYLS8t8cDW+9hxqtYGOQufsSQ=');
    expect(image.directPath).toMatch(/^\/o1\/v\/t24\//);
    expect(image.url).toMatch(/^https:\/\/mmg\.whatsapp\.net\//);
  });

  it('maps video, voice notes, audio files, documents and stickers', () => {
    expect(mediaOf('video')).toMatchObject({ mediaKind: 'video', mimeType: 'video/mp4' });
    expect(mediaOf('voice')).toMatchObject({ mediaKind: 'voice', mimeType: 'audio/ogg; codecs=opus' });
    expect(mediaOf('audio')).toMatchObject({ mediaKind: 'audio', mimeType: 'audio/mpeg' });
    expect(mediaOf('document')).toMatchObject({
      mediaKind: 'document',
      mimeType: 'application/pdf',
      fileName: 'invoice-4411.pdf',
      caption: 'Here is the invoice',
    });
    expect(decodeMediaHandle(mediaOf('document').mediaId)).toMatchObject({ type: 'documentMessage', fileName: 'invoice-4411.pdf', size: 183422 });
    expect(mediaOf('sticker')).toMatchObject({ mediaKind: 'sticker', mimeType: 'image/webp', animated: true });
  });
});

describe('mapInbound: other content', () => {
  it('maps a location', () => {
    expect(messageOf('location').content).toEqual({
      kind: 'location',
      latitude: 37.4275,
      longitude: -122.1697,
      name: 'Main Quad',
      address: '450 Jane Stanford Way, Stanford, CA',
      url: 'https://maps.example.com/?q=37.4275,-122.1697',
    });
  });

  it('maps a shared contact from its vCard', () => {
    expect(messageOf('contact').content).toEqual({
      kind: 'contacts',
      contacts: [
        {
          name: 'Bruno Lima',
          org: 'Acme Logistics',
          emails: ['bruno@example.com'],
          phones: [{ phone: '+55 11 98765-4321', waId: '5511987654321' }, { phone: '+55 11 3333-4444', type: 'WORK' }],
        },
      ],
    });
  });

  it('maps several shared contacts', () => {
    expect(messageOf('contacts-array').content).toEqual({
      kind: 'contacts',
      contacts: [
        { name: 'Carla Dias', phones: [{ phone: '+1 650-555-9876', type: 'CELL', waId: '16505559876' }] },
        { name: 'Front desk', phones: [{ phone: '+1 650 555 0100', type: 'WORK' }] },
      ],
    });
  });

  it('maps a reaction, and its removal as an empty emoji', () => {
    expect(messageOf('reaction').content).toEqual({ kind: 'reaction', targetId: '3EB0AGENTREPLY0001', emoji: '❤️' });
    expect(messageOf('reaction-removed').content).toEqual({ kind: 'reaction', targetId: '3EB0AGENTREPLY0001', emoji: '' });
  });
});

describe('mapInbound: edits and deletions', () => {
  it('maps an edit to the new text, marked edited, pointing at the message it changes', () => {
    const r = map('edit');
    expect(r.kind).toBe('edit');
    if (r.kind !== 'edit') return;
    expect(r.targetId).toBe('3EB0C9A1F2D34E5B6A7C');
    expect(r.envelope.message).toMatchObject({
      // Its own id, so the intake does not take it for a repeat of the original.
      id: 'AC28854886802F1895A337C83F0EC211',
      chatId: '16505551234',
      edited: true,
      replyTo: { id: '3EB0C9A1F2D34E5B6A7C' },
      timestamp: 1767366766505,
      content: { kind: 'text', body: 'Hi, my order #4412 has not arrived yet' },
    });
  });

  it('also reads an edit wrapped in editedMessage, as newer clients send it', () => {
    const edit = fixtureMessage('edit');
    const r = mapInbound({ ...edit, message: { editedMessage: { message: edit.message } } }, ctx);
    expect(r).toMatchObject({ kind: 'edit', targetId: '3EB0C9A1F2D34E5B6A7C' });
  });

  it('maps a deletion for everyone to a system notice', () => {
    const r = map('revoke');
    expect(r.kind).toBe('delete');
    if (r.kind !== 'delete') return;
    expect(r.targetId).toBe('3EB0C9A1F2D34E5B6A7C');
    expect(r.envelope.message).toMatchObject({
      deleted: true,
      replyTo: { id: '3EB0C9A1F2D34E5B6A7C' },
      content: { kind: 'system', description: DELETED_NOTICE },
    });
  });
});

describe('mapInbound: who and where', () => {
  it('maps a group message: the group is the chat, the participant the sender, who does not name the card', () => {
    expect(envelopeOf(map('group-text'))).toEqual({
      message: {
        id: '3EB0GROUP00000000001',
        transport: 'web',
        chatId: '120363041234567890@g.us',
        businessNumber: '16505550000',
        sender: { waId: '16505552222', name: 'Diego Ramos' },
        timestamp: 1767369000000,
        content: { kind: 'text', body: 'Can someone from support check the delivery?' },
      },
      // The card is the group's: its name (the subject) is looked up by the connection; the transport says it is a group.
      contact: { waId: '16505552222', businessNumber: '16505550000', isGroup: true },
    });
  });

  it('maps a message written on the phone as fromPhone, without our name on the contact', () => {
    const r = envelopeOf(map('from-phone'));
    expect(r.message).toMatchObject({ chatId: '16505551234', fromPhone: true, sender: { waId: '16505550000', name: 'Acme Support' } });
    expect(r.contact).toEqual({ waId: '16505551234', businessNumber: '16505550000', ids: { phone: '16505551234' } });
  });

  it('ignores status broadcasts and messages with nothing a person wrote', () => {
    expect(map('status-broadcast')).toEqual({ kind: 'ignored', reason: 'status-broadcast' });
    expect(map('sender-key-only')).toEqual({ kind: 'ignored', reason: 'no-content' });
  });

  it('ignores stubs without a message, newsletters and other protocol messages', () => {
    const base = fixtureMessage('text-conversation');
    expect(mapInbound({ key: base.key, messageTimestamp: 1, messageStubType: 2 }, ctx)).toEqual({ kind: 'ignored', reason: 'no-content' });
    expect(mapInbound({ ...base, key: { ...base.key, remoteJid: '120363000000000001@newsletter' } }, ctx)).toEqual({
      kind: 'ignored',
      reason: 'unsupported-chat',
    });
    const ephemeral = { ...base, message: { protocolMessage: { type: 3, ephemeralExpiration: 86400 } } };
    expect(mapInbound(ephemeral, ctx)).toEqual({ kind: 'ignored', reason: 'protocol' });
  });

  it('accepts @c.us jids and strips the device from a jid', () => {
    const base = fixtureMessage('text-conversation');
    expect(envelopeOf(mapInbound({ ...base, key: { ...base.key, remoteJid: '16505551234@c.us' } }, ctx)).message.chatId).toBe('16505551234');
    expect(envelopeOf(mapInbound({ ...base, key: { ...base.key, remoteJid: '16505551234:7@s.whatsapp.net' } }, ctx)).message.chatId).toBe('16505551234');
  });

  it('shows content it does not know as unsupported, with the type name', () => {
    const base = fixtureMessage('text-conversation');
    const poll = { ...base, message: { pollCreationMessageV3: { name: 'Lunch?', options: [{ optionName: 'Yes' }] } } };
    expect(envelopeOf(mapInbound(poll, ctx)).message.content).toEqual({ kind: 'unsupported', reason: 'pollCreationMessageV3' });
  });
});
