import { getContentType, normalizeMessageContent, proto, type WAMessage, type WAMessageKey } from 'baileys';
import type { Content, InboundMessage, MediaKind, PersonIds } from '../../core/model.js';
import type { InboundEnvelope } from '../../core/relay/inbound.js';
import { isGroupJid, personIdsOf, userIdOf } from './jids.js';
import { encodeMediaHandle, type MediaMessageType } from './media-handle.js';
import { base64Of, numberOf } from './proto-values.js';
import { parseVcard } from './vcard.js';

export interface MapContext {
  /** Digits of the linked phone's own number (the socket's user). */
  businessNumber: string;
  /** For a message without a timestamp; defaults to Date.now. */
  now?: () => number;
}

/**
 * What one Baileys message means for the bridge. Edits and deletions carry the id of the
 * message they change, and still come with an envelope (a text marked `edited`, a system notice
 * marked `deleted`, both with `replyTo` pointing at the target) so the relay can show them
 * like any other message until it does something better.
 */
export type WebInbound =
  | { kind: 'message'; envelope: InboundEnvelope }
  | { kind: 'edit'; targetId: string; envelope: InboundEnvelope }
  | { kind: 'delete'; targetId: string; envelope: InboundEnvelope }
  | { kind: 'ignored'; reason: IgnoredReason };

export type IgnoredReason =
  /** Someone's WhatsApp status (story). */
  | 'status-broadcast'
  /** Newsletters (channels) and anything else that is not a person or a group. */
  | 'unsupported-chat'
  /** Only key distribution or context: nothing a person wrote. Also undecryptable stubs, which Baileys retries under the same id. */
  | 'no-content'
  /** Protocol traffic other than edits and deletions (history sync, ephemeral settings…). */
  | 'protocol'
  /** Bookkeeping a person does not see as a message (poll votes, pins, keep-in-chat). */
  | 'invisible';

/** WhatsApp's own wording for a deleted message. */
export const DELETED_NOTICE = 'This message was deleted';

const MEDIA_KINDS: Record<MediaMessageType, MediaKind> = {
  imageMessage: 'image',
  videoMessage: 'video',
  ptvMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
};

const DEFAULT_MIME: Record<MediaKind, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/mpeg',
  voice: 'audio/ogg; codecs=opus',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};

const INVISIBLE = new Set(['pollUpdateMessage', 'encReactionMessage', 'pinInChatMessage', 'keepInChatMessage', 'encEventResponseMessage']);

// WhatsApp labels a message "Forwarded many times" from the fifth forward on.
const FREQUENTLY_FORWARDED_SCORE = 5;

const { Type: ProtocolType } = proto.Message.ProtocolMessage;

interface Where {
  chatId: string;
  senderId: string;
  /** Who the contact card is about: the person of a one-to-one chat, the sender in a group. */
  contactId: string;
  fromMe: boolean;
  /** A one-to-one chat's person: their number and LID, as far as known. */
  ids?: PersonIds;
}

type Fields = Record<string, unknown> & { contextInfo?: proto.IContextInfo | null };

export function mapInbound(msg: WAMessage, ctx: MapContext): WebInbound {
  const remoteJid = msg.key.remoteJid ?? '';
  if (remoteJid === 'status@broadcast') return ignored('status-broadcast');
  const where = locate(msg.key, ctx);
  if (!where || !msg.key.id) return ignored('unsupported-chat');
  const content = normalizeMessageContent(msg.message);
  const type = getContentType(content);
  if (!content || !type) return ignored('no-content');
  const value = content[type];
  const fields = (typeof value === 'object' && value !== null ? value : {}) as Fields;
  const make = (c: Content, extra: Partial<InboundMessage> = {}) => envelope(msg, where, ctx, c, { ...context(fields.contextInfo), ...extra });

  if (type === 'protocolMessage') return protocol(content.protocolMessage ?? {}, make);
  if (INVISIBLE.has(type)) return ignored('invisible');
  if (type === 'reactionMessage') {
    const reaction = content.reactionMessage;
    if (!reaction?.key?.id) return ignored('no-content');
    return { kind: 'message', envelope: make({ kind: 'reaction', targetId: reaction.key.id, emoji: reaction.text ?? '' }) };
  }
  const c = type === 'conversation' ? textContent(content.conversation) : toContent(type, fields, msg.key);
  return c ? { kind: 'message', envelope: make(c) } : ignored('no-content');
}

function toContent(type: string, f: Fields, key: WAMessageKey): Content | undefined {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  if (Object.hasOwn(MEDIA_KINDS, type)) {
    const mediaType = type as MediaMessageType;
    const kind: MediaKind = mediaType === 'audioMessage' && f.ptt ? 'voice' : MEDIA_KINDS[mediaType];
    return {
      kind: 'media',
      mediaKind: kind,
      mediaId: encodeMediaHandle(key, mediaType, f),
      mimeType: str(f.mimetype) ?? DEFAULT_MIME[kind],
      ...optional({ caption: str(f.caption), fileName: str(f.fileName), sha256: base64Of(f.fileSha256) }),
      ...(kind === 'sticker' ? { animated: Boolean(f.isAnimated) } : {}),
    };
  }
  switch (type) {
    case 'extendedTextMessage':
      return textContent(f.text);
    case 'locationMessage':
    case 'liveLocationMessage':
      return {
        kind: 'location',
        latitude: numberOf(f.degreesLatitude) ?? 0,
        longitude: numberOf(f.degreesLongitude) ?? 0,
        ...optional({ name: str(f.name) ?? str(f.caption), address: str(f.address), url: str(f.url) }),
      };
    case 'contactMessage':
      return { kind: 'contacts', contacts: [parseVcard(str(f.vcard) ?? '', str(f.displayName))] };
    case 'contactsArrayMessage': {
      const cards = (f.contacts ?? []) as proto.Message.IContactMessage[];
      return { kind: 'contacts', contacts: cards.map((c) => parseVcard(c.vcard ?? '', c.displayName)) };
    }
    default:
      return { kind: 'unsupported', reason: type };
  }
}

function textContent(body: unknown): Content | undefined {
  return typeof body === 'string' && body.trim() !== '' ? { kind: 'text', body } : undefined;
}

function protocol(pm: proto.Message.IProtocolMessage, make: (c: Content, extra?: Partial<InboundMessage>) => InboundEnvelope): WebInbound {
  const type = typeof pm.type === 'string' ? ProtocolType[pm.type as keyof typeof ProtocolType] : pm.type;
  const targetId = pm.key?.id;
  if (!targetId) return ignored('protocol');
  if (type === ProtocolType.MESSAGE_EDIT) {
    const body = textOf(normalizeMessageContent(pm.editedMessage));
    if (!body) return ignored('no-content');
    const at = numberOf(pm.timestampMs);
    return { kind: 'edit', targetId, envelope: make({ kind: 'text', body }, { replyTo: { id: targetId }, edited: true, ...(at ? { timestamp: at } : {}) }) };
  }
  if (type === ProtocolType.REVOKE) {
    return { kind: 'delete', targetId, envelope: make({ kind: 'system', description: DELETED_NOTICE }, { replyTo: { id: targetId }, deleted: true }) };
  }
  return ignored('protocol');
}

/** The text of an edit: a message's text, or the new caption of a media message. */
function textOf(content: proto.IMessage | undefined): string | undefined {
  if (!content) return undefined;
  const text =
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.documentMessage?.caption;
  return text && text.trim() !== '' ? text : undefined;
}

function locate(key: WAMessageKey, ctx: MapContext): Where | undefined {
  const remoteJid = key.remoteJid ?? '';
  const fromMe = Boolean(key.fromMe);
  if (isGroupJid(remoteJid)) {
    const participant = userIdOf(key.participant, key.participantAlt);
    const senderId = fromMe ? ctx.businessNumber || participant : participant;
    return senderId ? { chatId: remoteJid, senderId, contactId: senderId, fromMe } : undefined;
  }
  if (remoteJid.endsWith('@broadcast')) {
    // A broadcast list reaches each recipient as a one-to-one chat with its sender.
    const participant = userIdOf(key.participant, key.participantAlt);
    return participant && !fromMe ? { chatId: participant, senderId: participant, contactId: participant, fromMe } : undefined;
  }
  const chatId = userIdOf(remoteJid, key.remoteJidAlt);
  if (!chatId) return undefined;
  const ids = personIdsOf(remoteJid, key.remoteJidAlt);
  return { chatId, senderId: fromMe ? ctx.businessNumber || chatId : chatId, contactId: chatId, fromMe, ...(ids ? { ids } : {}) };
}

function context(info: proto.IContextInfo | null | undefined): Partial<InboundMessage> {
  if (!info) return {};
  const out: Partial<InboundMessage> = {};
  if (info.stanzaId) {
    const from = userIdOf(info.participant);
    out.replyTo = { id: info.stanzaId, ...(from ? { from } : {}) };
  }
  if (info.isForwarded) {
    out.forwarded = true;
    if ((info.forwardingScore ?? 0) >= FREQUENTLY_FORWARDED_SCORE) out.frequentlyForwarded = true;
  }
  return out;
}

function envelope(msg: WAMessage, where: Where, ctx: MapContext, content: Content, extra: Partial<InboundMessage>): InboundEnvelope {
  const name = (msg.pushName || msg.verifiedBizName || '').trim() || undefined;
  const seconds = numberOf(msg.messageTimestamp);
  const message: InboundMessage = {
    id: msg.key.id!,
    transport: 'web',
    chatId: where.chatId,
    businessNumber: ctx.businessNumber,
    sender: { waId: where.senderId, ...optional({ name }) },
    timestamp: seconds ? seconds * 1000 : (ctx.now ?? Date.now)(),
    ...extra,
    ...(where.fromMe ? { fromPhone: true } : {}),
    content,
  };
  // Our own push name is not the contact's: a message from the phone leaves the card's name alone.
  // A group's card is named after the group, whose subject is not on the message (see profiles.ts).
  const isGroup = isGroupJid(where.chatId);
  const contactName = where.fromMe || isGroup ? undefined : name;
  return {
    message,
    contact: { waId: where.contactId, ...optional({ name: contactName }), businessNumber: ctx.businessNumber, ...(isGroup ? { isGroup } : {}), ...(where.ids ? { ids: where.ids } : {}) },
  };
}

function optional<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const ignored = (reason: IgnoredReason): WebInbound => ({ kind: 'ignored', reason });
