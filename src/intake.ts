import type { StatusUpdate } from './core/model.js';
import type { ContactStore, MessageMap } from './core/ports.js';
import type { InboundEnvelope } from './core/relay/inbound.js';
import type { SlackEvent } from './core/slack-events.js';
import type { IdentityStore } from './core/store/identities.js';
import type { JobQueue } from './core/store/queue.js';
import { findConversation, joinConversation, resolveConversation } from './core/conversation-identity.js';
import { routeIdentities, scopedChatId } from './core/routes.js';

export const JOB_INBOUND = 'wa.inbound';
export const JOB_STATUS = 'wa.status';
export const JOB_SLACK = 'slack.event';
/** A notice about the bridge itself in the support channel (e.g. WhatsApp Web logged out). */
export const JOB_BRIDGE_NOTICE = 'bridge.notice';
export const BRIDGE_LANE = 'bridge';

export interface BridgeNoticeJob {
  notice: 'web_logged_out';
  /** One occurrence: the notice is posted once for it, however often the job runs. */
  key: string;
  /** The route whose session it is about: the notice goes to its channel. */
  route?: string;
}

/** A contact's conversation lane: its inbound messages, statuses and replies run in order. */
export const chatLane = (chatId: string) => `chat:${chatId}`;

export interface InboundJob {
  item: InboundEnvelope;
}

export interface StatusJob {
  status: StatusUpdate;
}

export interface SlackJob {
  event: SlackEvent;
  chatId: string;
}

/** Why a Slack event was not queued (for logs and tests): it is not something the bridge acts on. */
export type SlackIgnoreReason =
  | 'other-channel'
  | 'own-or-bot'
  | 'subtype'
  | 'top-level'
  | 'not-a-contact-thread'
  | 'unknown-message'
  | 'duplicate';

export interface SlackIntakeDeps {
  contacts: ContactStore;
  messages: MessageMap;
  /** The support channels' ids (SLACK_CHANNEL, or every route's channel, resolved). */
  supportChannels(): Promise<readonly string[]>;
  /** The bridge's own Slack user and bot ids (auth.test). */
  self(): Promise<{ userId: string; botId?: string }>;
}

export interface Intake {
  /**
   * Records and queues every message and status in one unit of work (one transaction where the
   * store has them; see core/store/intake.ts); repeats are dropped.
   */
  recordWhatsApp(batch: { messages: InboundEnvelope[]; statuses: StatusUpdate[] }): Promise<{ queued: number; duplicates: number }>;
  /**
   * Queues a Slack event the bridge acts on (deduplicated by its event id), in the lane of the
   * contact it concerns; anything else is answered with the reason it was ignored.
   */
  recordSlack(event: SlackEvent): Promise<{ queued: true } | { queued: false; reason: SlackIgnoreReason }>;
}

const ACTED_ON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

export function createIntake(queue: JobQueue, onQueued: () => void, slack?: SlackIntakeDeps): Intake {
  async function slackChatId(event: SlackEvent, deps: SlackIntakeDeps): Promise<{ chatId: string } | { ignore: SlackIgnoreReason }> {
    const ignore = (reason: SlackIgnoreReason) => ({ ignore: reason });
    if (!(await deps.supportChannels()).includes(event.channel)) return ignore('other-channel');
    const self = await deps.self();
    // Our own posts and every other bot's (a bot_id marks both) are never relayed.
    const byBot = (user?: string, botId?: string) => user === self.userId || Boolean(botId);
    switch (event.kind) {
      case 'message': {
        if (byBot(event.user, event.botId)) return ignore('own-or-bot');
        if (!ACTED_ON_SUBTYPES.has(event.subtype)) return ignore('subtype');
        if (!event.threadTs || event.threadTs === event.ts) return ignore('top-level');
        const contact = await deps.contacts.findByCard(event.channel, event.threadTs);
        return contact ? { chatId: contact.chatId } : ignore('not-a-contact-thread');
      }
      case 'message_changed':
      case 'message_deleted': {
        if (byBot(event.user, event.botId)) return ignore('own-or-bot');
        const link = await deps.messages.bySlackTs(event.channel, event.ts);
        return link?.direction === 'out' ? { chatId: link.chatId } : ignore('unknown-message');
      }
      case 'reaction_added':
      case 'reaction_removed': {
        if (event.user === self.userId) return ignore('own-or-bot');
        const link = await deps.messages.bySlackTs(event.channel, event.itemTs);
        return link?.direction === 'in' ? { chatId: link.chatId } : ignore('unknown-message');
      }
      case 'action': {
        // A button in a thread (Send again, Send template), or on the card itself (claim, resolve…): its own ts is the card's.
        const contact = await deps.contacts.findByCard(event.channel, event.threadTs ?? event.messageTs);
        return contact ? { chatId: contact.chatId } : ignore('not-a-contact-thread');
      }
    }
  }

  return {
    async recordSlack(event) {
      if (!slack) throw new Error('Slack intake is not configured');
      const target = await slackChatId(event, slack);
      if ('ignore' in target) return { queued: false, reason: target.ignore };
      const { chatId } = target;
      const r = await queue.enqueue({
        kind: JOB_SLACK,
        lane: chatLane(chatId),
        payload: { event, chatId } satisfies SlackJob,
        dedupeKey: `slack:${event.eventId}`,
      });
      if (!r.inserted) return { queued: false, reason: 'duplicate' };
      onQueued();
      return { queued: true };
    },

    async recordWhatsApp(batch) {
      const result = await queue.intake(async (uow) => {
        let queued = 0;
        for (const found of batch.messages) {
          const item = await withConversation(uow.identities, found);
          const r = await uow.enqueue({
            kind: JOB_INBOUND,
            lane: chatLane(item.message.chatId),
            payload: { item } satisfies InboundJob,
            dedupeKey: `wa:msg:${item.message.id}`,
          });
          if (r.inserted) queued += 1;
        }
        for (const status of batch.statuses) {
          const r = await uow.enqueue({
            kind: JOB_STATUS,
            lane: chatLane(
              (await findConversation(routeIdentities(uow.identities, status.route), [status.recipient, status.recipientUserId])) ??
                scopedChatId(status.route, status.recipient),
            ),
            payload: { status } satisfies StatusJob,
            dedupeKey: `wa:status:${status.messageId}:${status.status}`,
          });
          if (r.inserted) queued += 1;
        }
        return { queued, duplicates: batch.messages.length + batch.statuses.length - queued };
      });
      if (result.queued > 0) onQueued();
      return result;
    },
  };
}

/**
 * The person's conversation, found by the identifiers the transport sent (Cloud API; number and
 * LID on WhatsApp Web): the message
 * is queued in its lane and shown in its thread whichever identifier it came with. Identifiers a
 * change reports (a new number, a new user id) join it here, before any later message needs them.
 */
async function withConversation(all: IdentityStore, found: InboundEnvelope): Promise<InboundEnvelope> {
  const item = inRoute(found);
  const { ids, joins } = item.contact;
  if (!ids) return item;
  const identities = routeIdentities(all, item.route);
  const now = Date.now();
  const resolved = await resolveConversation(identities, ids, now, item.route);
  const chatId = resolved?.chatId ?? item.message.chatId;
  if (joins) await joinConversation(identities, chatId, joins, now);
  const known = { ...ids, ...Object.fromEntries(Object.entries(joins ?? {}).filter(([, v]) => v !== undefined)) };
  return {
    ...item,
    // The sender is the person, except on a message written on the business phone (WhatsApp Web).
    message: { ...item.message, chatId, sender: { ...item.message.sender, ...(item.message.sender.waId === item.message.chatId ? { waId: chatId } : {}) } },
    contact: { ...item.contact, waId: chatId, ids: known, ...(resolved?.merged.length ? { merged: resolved.merged } : {}) },
  };
}

/** A message without identifiers (a WhatsApp Web group) keyed in its route, as resolveConversation keys the others. */
function inRoute(item: InboundEnvelope): InboundEnvelope {
  const local = item.message.chatId;
  const chatId = scopedChatId(item.route, local);
  if (chatId === local) return item;
  const same = (id: string) => (id === local ? chatId : id);
  return {
    ...item,
    message: { ...item.message, chatId, sender: { ...item.message.sender, waId: same(item.message.sender.waId) } },
    contact: { ...item.contact, waId: same(item.contact.waId) },
  };
}
