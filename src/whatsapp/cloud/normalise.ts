import type { Content, DeliveryStatus, InboundMessage, MediaKind, PersonIds, StatusUpdate } from '../../core/model.js';
import type { InboundEnvelope } from '../../core/relay/inbound.js';
import type { CloudMessage, CloudStatus, CloudWebhook, ItemIssue } from './payload.js';
import { compact, createDirectory } from './senders.js';

/** An item of the delivery that could not be read: `shown` when a notice went into the contact's thread. */
export interface RejectedItem extends ItemIssue {
  shown: boolean;
}

export interface NormalisedWebhook {
  messages: InboundEnvelope[];
  statuses: StatusUpdate[];
  /** Changes that are not message notifications (account updates, template reviews…). */
  ignoredFields: string[];
  /** Malformed items, each left out on its own (the rest of the delivery is recorded). */
  rejected: RejectedItem[];
}

const MEDIA_TYPES: Record<string, MediaKind> = { image: 'image', video: 'video', audio: 'audio', document: 'document', sticker: 'sticker' };
const STATUSES = new Set<DeliveryStatus>(['sent', 'delivered', 'read', 'failed']);

/** `now` stamps a malformed message whose own timestamp cannot be read either. */
export function normaliseCloudWebhook(payload: CloudWebhook, now = Date.now()): NormalisedWebhook {
  const out: NormalisedWebhook = { messages: [], statuses: [], ignoredFields: [], rejected: [] };
  for (const change of payload.changes) {
    if (change.field !== 'messages') {
      out.ignoredFields.push(change.field);
      continue;
    }
    const reject = (issue: ItemIssue, shown = false) => out.rejected.push({ ...issue, shown });
    let businessNumber = '';
    if (change.metadata?.ok) businessNumber = change.metadata.value.display_phone_number;
    else if (change.metadata) reject(change.metadata.issue);
    const people = createDirectory();
    for (const c of change.contacts) {
      if (c.ok) people.add(c.value);
      else reject(c.issue);
    }
    for (const m of change.messages) {
      if (m.ok) {
        const { chatId, ids, joins, name } = people.senderOf(m.value);
        out.messages.push({
          message: toInbound(m.value, businessNumber, chatId),
          contact: { waId: chatId, name, businessNumber, ids, ...(joins ? { joins } : {}) },
        });
        continue;
      }
      // Shown where it belongs: a message that still says who sent it (and its id, so Meta's
      // retries stay one) becomes a notice in that contact's thread.
      const unreadable = toUnreadable(m.raw, m.issue, businessNumber, now);
      if (unreadable) {
        const { message, ids } = unreadable;
        out.messages.push({ message, contact: { waId: message.chatId, name: people.nameOf(ids), businessNumber, ids } });
      }
      reject(m.issue, unreadable !== undefined);
    }
    for (const s of change.statuses) {
      if (!s.ok) {
        reject(s.issue);
        continue;
      }
      const status = toStatus(s.value);
      if (status) out.statuses.push(status);
    }
  }
  // Meta does not promise order; within one delivery, show messages in the order they were sent.
  out.messages.sort((a, b) => a.message.timestamp - b.message.timestamp);
  return out;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** A malformed message that still names its sender and id, as an "unreadable" notice. */
function toUnreadable(raw: unknown, issue: ItemIssue, businessNumber: string, now: number): { message: InboundMessage; ids: PersonIds } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { from, from_user_id: userId, id, timestamp, type } = raw as Record<string, unknown>;
  const ids = compact({ phone: nonEmpty(from) ? from : undefined, bsuid: nonEmpty(userId) ? userId : undefined });
  const chatId = ids.phone ?? ids.bsuid;
  if (!chatId || !nonEmpty(id)) return undefined;
  const seconds = typeof timestamp === 'string' && /^\d+$/.test(timestamp) ? Number(timestamp) : undefined;
  const message: InboundMessage = {
    id,
    transport: 'cloud',
    chatId,
    businessNumber,
    sender: { waId: chatId },
    timestamp: seconds !== undefined ? seconds * 1000 : now,
    content: { kind: 'unsupported', ...(nonEmpty(type) ? { reason: type.slice(0, 40) } : {}), malformed: { field: issue.field } },
  };
  return { message, ids };
}

function toInbound(m: CloudMessage, businessNumber: string, chatId: string): InboundMessage {
  return {
    id: m.id,
    transport: 'cloud',
    chatId,
    businessNumber,
    sender: { waId: chatId },
    timestamp: Number(m.timestamp) * 1000,
    replyTo: m.context?.id && m.type !== 'button' ? { id: m.context.id, from: m.context.from } : undefined,
    forwarded: m.context?.forwarded,
    frequentlyForwarded: m.context?.frequently_forwarded,
    content: toContent(m),
  };
}

function toContent(m: CloudMessage): Content {
  const mediaKind = MEDIA_TYPES[m.type];
  if (mediaKind) {
    const media = m[m.type as 'image' | 'video' | 'audio' | 'document' | 'sticker'];
    if (media) {
      return {
        kind: 'media',
        mediaKind: mediaKind === 'audio' && media.voice ? 'voice' : mediaKind,
        mediaId: media.id,
        mimeType: media.mime_type ?? 'application/octet-stream',
        caption: media.caption,
        fileName: media.filename,
        sha256: media.sha256,
        animated: media.animated,
      };
    }
  }
  switch (m.type) {
    case 'text':
      if (m.text) return { kind: 'text', body: m.text.body };
      break;
    case 'location':
      if (m.location) return { kind: 'location', ...m.location };
      break;
    case 'contacts':
      if (m.contacts) {
        return {
          kind: 'contacts',
          contacts: m.contacts.map((c) => ({
            name: c.name?.formatted_name ?? [c.name?.first_name, c.name?.last_name].filter(Boolean).join(' '),
            phones: (c.phones ?? []).filter((p) => p.phone).map((p) => ({ phone: p.phone!, type: p.type, waId: p.wa_id })),
            emails: (c.emails ?? []).map((e) => e.email).filter((e): e is string => Boolean(e)),
            org: c.org?.company,
          })),
        };
      }
      break;
    case 'interactive': {
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      if (reply) {
        return {
          kind: 'interactive',
          replyKind: m.interactive?.list_reply ? 'list' : 'button',
          id: reply.id,
          title: reply.title,
          description: 'description' in reply ? (reply.description as string | undefined) : undefined,
        };
      }
      break;
    }
    case 'button':
      // A quick-reply button of a template message we sent.
      if (m.button) return { kind: 'interactive', replyKind: 'quick_reply', id: m.button.payload, title: m.button.text };
      break;
    case 'reaction':
      if (m.reaction) return { kind: 'reaction', targetId: m.reaction.message_id, emoji: m.reaction.emoji ?? '' };
      break;
    case 'system': {
      const change = m.system?.type === 'user_changed_number' ? 'number' : m.system?.type === 'user_changed_user_id' ? 'user_id' : undefined;
      return { kind: 'system', description: m.system?.body ?? m.system?.type ?? 'system', ...(change ? { change } : {}) };
    }
  }
  const unsupportedType = (m as { unsupported?: { type?: string } }).unsupported?.type;
  return { kind: 'unsupported', reason: unsupportedType ?? m.errors?.[0]?.title ?? m.type };
}

function toStatus(s: CloudStatus): StatusUpdate | undefined {
  if (!STATUSES.has(s.status as DeliveryStatus)) return undefined;
  return {
    messageId: s.id,
    status: s.status as DeliveryStatus,
    timestamp: Number(s.timestamp) * 1000,
    // One of the two is there (payload.ts): the number when known, as before BSUIDs.
    recipient: s.recipient_id ?? s.recipient_user_id!,
    ...(s.recipient_user_id ? { recipientUserId: s.recipient_user_id } : {}),
    errors: s.errors?.map((e) => ({ code: e.code, title: e.title ?? String(e.code), message: e.message, details: e.error_data?.details })),
    ...(typeof s.biz_opaque_callback_data === 'string' ? { ref: s.biz_opaque_callback_data } : {}),
  };
}
