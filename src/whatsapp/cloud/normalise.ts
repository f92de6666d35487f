import { createHash } from 'node:crypto';
import type { DeliveryStatus, InboundMessage, PersonIds, StatusUpdate } from '../../core/model.js';
import type { InboundEnvelope } from '../../core/relay/inbound.js';
import { toContent, toReferral } from './content.js';
import type { CloudChange, CloudEcho, CloudMessage, CloudPreference, CloudStatus, CloudWebhook, ItemIssue } from './payload.js';
import { compact, createDirectory } from './senders.js';
import { REENGAGEMENT_CODE } from './graph-client.js';

/** An item of the delivery that could not be read: `shown` when a notice went into the contact's thread. */
export interface RejectedItem extends ItemIssue {
  shown: boolean;
}

export interface NormalisedWebhook {
  messages: InboundEnvelope[];
  statuses: StatusUpdate[];
  /** Changes that are not message notifications (account updates, template reviews, history, contact sync…). */
  ignoredFields: string[];
  /** The same, with how many items each held: acknowledged and logged, never shown. */
  unread: Array<{ field: string; items: number }>;
  /** Malformed items, each left out on its own (the rest of the delivery is recorded). */
  rejected: RejectedItem[];
  /** Changes for another phone number of the account: acknowledged, not shown (the id is the business's, not a person's). */
  otherNumbers: Array<{ phoneNumberId: string; items: number }>;
  /** System-, app- and account-level errors Meta reported beside the items. */
  accountErrors: Array<{ code?: number; title?: string }>;
  /** Status values the bridge does not know (none are documented today besides the four). */
  unknownStatuses: string[];
}

const STATUSES = new Set<DeliveryStatus>(['sent', 'delivered', 'read', 'failed']);

export interface NormaliseOptions {
  /** `now` stamps a malformed message whose own timestamp cannot be read either. */
  now?: number;
  /** The configured phone number: another number's changes are left out. Unset: every change is ours. */
  phoneNumberId?: string;
  /**
   * Routes (ROUTES_FILE): the route of each phone number id. Another number's changes are left
   * out, and every message and status is marked with its number's route.
   */
  routes?: ReadonlyMap<string, string>;
}

const itemsOf = (c: CloudChange) => c.messages.length + c.statuses.length + c.echoes.length + c.preferences.length + (c.unreadItems ?? 0);

export function normaliseCloudWebhook(payload: CloudWebhook, options: NormaliseOptions | number = {}): NormalisedWebhook {
  const { now = Date.now(), phoneNumberId, routes } = typeof options === 'number' ? { now: options } : options;
  const out: NormalisedWebhook = { messages: [], statuses: [], ignoredFields: [], unread: [], rejected: [], otherNumbers: [], accountErrors: [], unknownStatuses: [] };
  for (const change of payload.changes) {
    const forNumber = change.metadata?.ok ? change.metadata.value.phone_number_id : undefined;
    const ours = routes ? routes.has(forNumber ?? '') : !phoneNumberId || forNumber === phoneNumberId;
    if (forNumber && !ours) {
      out.otherNumbers.push({ phoneNumberId: forNumber, items: itemsOf(change) });
      continue;
    }
    const route = forNumber ? routes?.get(forNumber) : undefined;
    const [messagesBefore, statusesBefore] = [out.messages.length, out.statuses.length];
    if (change.unreadItems !== undefined) {
      out.ignoredFields.push(change.field);
      out.unread.push({ field: change.field, items: change.unreadItems });
      continue;
    }
    out.accountErrors.push(...change.errors);
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
    for (const e of change.echoes) {
      if (e.ok) out.messages.push(fromEcho(e.value, businessNumber));
      else reject(e.issue);
    }
    for (const p of change.preferences) {
      if (p.ok) out.messages.push(fromPreference(p.value, businessNumber, people.nameOf(compact({ phone: p.value.wa_id, bsuid: p.value.user_id }))));
      else reject(p.issue);
    }
    for (const s of change.statuses) {
      if (!s.ok) {
        reject(s.issue);
        continue;
      }
      const status = toStatus(s.value);
      if (status) out.statuses.push(status);
      else out.unknownStatuses.push(s.value.status.slice(0, 40));
    }
    if (route) {
      for (const m of out.messages.slice(messagesBefore)) m.route = route;
      for (const st of out.statuses.slice(statusesBefore)) st.route = route;
    }
  }
  // Meta does not promise order; within one delivery, show messages in the order they were sent.
  out.messages.sort((a, b) => a.message.timestamp - b.message.timestamp);
  return out;
}

/** The person a business echo went to: the number as the API takes it (digits), else their BSUID. */
function fromEcho(e: CloudEcho, businessNumber: string): InboundEnvelope {
  const phone = e.to ? e.to.replace(/[^\d]/g, '') : undefined;
  const ids = compact({ phone: phone || undefined, bsuid: e.to_user_id });
  const chatId = (ids.phone ?? ids.bsuid)!;
  const message: InboundMessage = {
    ...toInbound(e, businessNumber, chatId),
    // Written by the business: not the contact's words, and not a reason to reopen the 24-hour window.
    sender: { waId: businessNumber || e.from || chatId },
    fromPhone: true,
  };
  return { message, contact: { waId: chatId, businessNumber, ids } };
}

function fromPreference(p: CloudPreference, businessNumber: string, name: string | undefined): InboundEnvelope {
  const ids = compact({ phone: p.wa_id, bsuid: p.user_id });
  const chatId = (ids.phone ?? ids.bsuid)!;
  const seconds = Number(p.timestamp);
  const message: InboundMessage = {
    // Preferences have no id of their own: the person, the moment and the change make one (Meta's retries
    // stay one). The person is hashed: ids reach logs, numbers must not.
    id: `pref:${createHash('sha256').update(chatId).digest('hex').slice(0, 16)}:${seconds}:${p.category}:${p.value}`.slice(0, 200),
    transport: 'cloud',
    chatId,
    businessNumber,
    sender: { waId: chatId },
    timestamp: seconds * 1000,
    content: { kind: 'preference', category: p.category.slice(0, 60), value: p.value.slice(0, 60) },
  };
  return { message, contact: { waId: chatId, name, businessNumber, ids } };
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
  const referral = toReferral(m.referral);
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
    ...(referral ? { referral } : {}),
    content: toContent(m),
  };
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
    errors: s.errors?.map((e) => ({
      code: e.code,
      title: e.title ?? String(e.code),
      message: e.message,
      details: e.error_data?.details,
      ...(e.code === REENGAGEMENT_CODE ? { windowClosed: true } : {}),
    })),
    ...(typeof s.biz_opaque_callback_data === 'string' ? { ref: s.biz_opaque_callback_data } : {}),
  };
}
