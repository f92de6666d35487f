import { settleAll } from './core/settle.js';
import { messages as catalogue, type Locale } from './core/format/i18n.js';
import { escapeMrkdwn } from './core/format/whatsapp-to-mrkdwn.js';
import type { ContactStore, MessageMap } from './core/ports.js';
import { relayAgentEdit, relayAgentReaction, relayTemplateAction, showDeliveryStatus } from './core/relay/agent-events.js';
import { relayInbound, type InboundDeps } from './core/relay/inbound.js';
import { usernameHandle } from './core/relay/card.js';
import { relaySendAgain, resumeAfterDoubt, SEND_AGAIN_ACTION } from './core/relay/doubtful-sends.js';
import { relayAgentMessage, type AgentMessageOutcome, type OutboundDeps } from './core/relay/outbound.js';
import { ensureTicket, flushComments, refreshSla, type TicketDeps } from './core/relay/tickets.js';
import { applyRequestChange } from './core/relay/request-changes.js';
import { applyCardAction, contactWrote, type CardActionDeps } from './core/relay/card-actions.js';
import { cardActionOf } from './core/relay/card-controls.js';
import { applyJiraAction, type JiraActionDeps } from './core/relay/jira-actions.js';
import { relayJiraComment, type JiraCommentDeps } from './core/relay/jira-comments.js';
import type { SlackMessageEvent } from './core/slack-events.js';
import { plainContent } from './core/format/plain-content.js';
import { JOB_JIRA_ACTION, JOB_JIRA_CHANGE, JOB_JIRA_COMMENT, JOB_JIRA_ENSURE, JOB_JIRA_FLUSH, JOB_JIRA_SLA, type JiraQueue } from './jira/jobs.js';
import { isBridgeNoticeJob, isInboundJob, isJiraActionJob, isJiraChangeJob, isJiraChatJob, isJiraCommentJob, isSlackJob, isStatusJob, readPayload } from './job-payloads.js';
import { JOB_BRIDGE_NOTICE, JOB_INBOUND, JOB_SLACK, JOB_STATUS, type InboundJob, type SlackJob } from './intake.js';
import type { JobContext, JobHandler } from './queue/worker.js';
import type { JobFailure } from './core/store/queue.js';
import type { SlackChatSurface } from './slack/chat-surface.js';

export interface RelayHandlerDeps {
  slackChannel: string;
  locale: Locale;
  chat: SlackChatSurface;
  contacts: ContactStore;
  messages: MessageMap;
  inbound: Omit<InboundDeps, 'channel'>;
  outbound: OutboundDeps & { templateName?: string; templateLanguage: string };
  /** The card's buttons (claim, release, waiting, resolve, reopen). */
  cards: CardActionDeps;
  /** A thread reply starting with this is sent, then resolves the conversation (RESOLVE_PREFIX). */
  resolvePrefix: string;
  /** Absent when Jira is not configured: no tickets, no errors. */
  jira?: { tickets: TicketDeps & JiraActionDeps & JiraCommentDeps; queue: JiraQueue };
}

/** The job handlers: each takes a queued job's payload and runs one use case of the relay. */
export function createRelayHandlers(deps: RelayHandlerDeps): Record<string, JobHandler> {
  const jira = deps.jira;
  const jiraHandlers: Record<string, JobHandler> = jira
    ? {
        [JOB_JIRA_ENSURE]: async (payload) => {
          const { chatId, firstLine } = readPayload(JOB_JIRA_ENSURE, payload, isJiraChatJob);
          await ensureTicket(chatId, jira.tickets, firstLine);
        },
        [JOB_JIRA_FLUSH]: async (payload) => flushComments(readPayload(JOB_JIRA_FLUSH, payload, isJiraChatJob).chatId, jira.tickets),
        [JOB_JIRA_SLA]: async (payload) => refreshSla(readPayload(JOB_JIRA_SLA, payload, isJiraChatJob).chatId, jira.tickets),
        [JOB_JIRA_CHANGE]: async (payload) => {
          const change = readPayload(JOB_JIRA_CHANGE, payload, isJiraChangeJob);
          await applyRequestChange(change.key, change, jira.tickets);
        },
        [JOB_JIRA_ACTION]: async (payload) => applyJiraAction(readPayload(JOB_JIRA_ACTION, payload, isJiraActionJob), jira.tickets),
        [JOB_JIRA_COMMENT]: async (payload) => relayJiraComment(readPayload(JOB_JIRA_COMMENT, payload, isJiraCommentJob), jira.tickets),
      }
    : {};
  return {
    ...jiraHandlers,
    [JOB_INBOUND]: {
      async run(payload, ctx) {
        const { item } = readPayload(JOB_INBOUND, payload, isInboundJob);
        const channel = await deps.chat.resolveChannel(deps.slackChannel);
        await relayInbound(item, { ...deps.inbound, channel, retrySince: ctx.job.resumed ? ctx.job.createdAt : undefined });
        if (deps.jira && item.message.content.kind !== 'reaction') await queueInboundLine(item, deps);
        // Without Jira the bridge's own state says the conversation is open again (with Jira, the request does).
        if (!deps.jira && !item.message.fromPhone) await contactWrote(item.message.chatId, deps.cards);
      },
      async giveUp(payload, failure, ctx) {
        // A payload this version cannot read names no conversation to explain it in.
        if (isInboundJob(payload)) await explainInThread(payload.item.message.chatId, failure, deps, ctx);
      },
    },
    [JOB_BRIDGE_NOTICE]: async (payload) => {
      const { key } = readPayload(JOB_BRIDGE_NOTICE, payload, isBridgeNoticeJob);
      const channel = await deps.chat.resolveChannel(deps.slackChannel);
      await deps.outbound.notices.say({ channel }, catalogue(deps.locale).webLoggedOut, key);
    },
    [JOB_STATUS]: async (payload) => {
      const { status } = readPayload(JOB_STATUS, payload, isStatusJob);
      await showDeliveryStatus(status, deps.outbound);
      // A reply that was in doubt and is now known to have gone: what waited behind it goes, then its Jira line.
      const resumed = await resumeAfterDoubt(status, deps.outbound, relayAgentMessage);
      if (deps.jira && resumed?.outcome === 'sent') await queueAgentLine(resumed.message, resumed.chatId, resumed.outcome, deps);
    },
    [JOB_SLACK]: {
      async run(payload, ctx) {
        const { event: received, chatId } = readPayload(JOB_SLACK, payload, isSlackJob);
        const closing = received.kind === 'message' ? closingReply(received, deps.resolvePrefix) : undefined;
        const event = closing ?? received;
        const outcome = await relaySlackEvent(event, chatId, ctx);
        if (deps.jira && event.kind === 'message' && (outcome === 'sent' || outcome === 'note')) await queueAgentLine(event, chatId, outcome, deps);
        if (closing) await applyCardAction({ key: `reply:${closing.eventId}`, chatId, action: 'resolve', userId: closing.user, closing: outcome === 'sent' }, deps.cards);
      },
      async giveUp(payload, failure, ctx) {
        if (!isSlackJob(payload)) return;
        const { event, chatId } = payload;
        await explainNotSent(event, chatId, failure, deps, ctx);
      },
    },
  };

  async function relaySlackEvent(event: SlackJob['event'], chatId: string, ctx: JobContext): Promise<AgentMessageOutcome | void> {
    switch (event.kind) {
      case 'message':
        return relayAgentMessage(event, chatId, deps.outbound);
      case 'message_changed':
      case 'message_deleted':
        return relayAgentEdit(event, chatId, deps.outbound);
      case 'reaction_added':
      case 'reaction_removed':
        return relayAgentReaction(event, chatId, deps.outbound);
      case 'action': {
        const action = cardActionOf(event.actionId);
        if (action) return applyCardAction({ key: event.eventId, chatId, action, userId: event.user }, deps.cards);
        if (event.actionId === SEND_AGAIN_ACTION) {
          const again = await relaySendAgain(event, chatId, deps.outbound, relayAgentMessage);
          // The reply's Jira line was held back while it was in doubt: it follows now that it went out (once, by its Slack event).
          if (deps.jira && again?.outcome === 'sent') await queueAgentLine(again.message, chatId, again.outcome, deps);
          return;
        }
        return relayTemplateAction(event, chatId, deps.outbound);
      }
      default:
        ctx.logger.warn({ kind: (event as { kind: string }).kind }, 'unknown Slack event kind in the queue');
    }
  }
}

/** A reply starting with RESOLVE_PREFIX: the message without it (sent like any reply), or undefined. */
function closingReply(event: SlackMessageEvent, prefix: string): SlackMessageEvent | undefined {
  const text = event.text.trimStart();
  if (!prefix || !text.toLowerCase().startsWith(prefix.toLowerCase())) return undefined;
  return { ...event, text: text.slice(prefix.length).trim() };
}

/** Jira's copy of the conversation: one line per message, posted to the request in batches. */
async function queueInboundLine(item: InboundJob['item'], deps: RelayHandlerDeps): Promise<void> {
  const m = catalogue(deps.locale);
  const { message, contact } = item;
  let text = plainContent(message.content, deps.locale);
  if (message.content.kind === 'media') {
    // The attachment by name, with a link to where it sits in Slack (its caption post, the file right below).
    const posted = await deps.messages.byWaId(message.id);
    if (posted) text += ` ${await deps.chat.permalink(posted.slackChannel, posted.slackTs)}`;
  }
  // A person known by identifiers (Cloud API) is named by what people may see: never their BSUID.
  const shown = contact.ids ? (usernameHandle(contact.ids.username) ?? contact.ids.phone ?? m.unknownName) : message.sender.waId;
  // Written on the business phone: the business's words, which do not open a request on their own.
  const who = message.fromPhone ? m.sentFromPhone : (message.sender.name ?? contact.name ?? shown);
  const when = new Date(message.timestamp).toISOString();
  await deps.jira!.queue.conversationLine(message.chatId, `wa:${message.id}`, {
    body: `${who} ${m.jiraFromWhatsApp} (${when}):\n${text}`,
    isPublic: true,
    fromContact: !message.fromPhone,
  });
}

/** The Jira line of an agent's reply (also a saved reply's). */
export async function queueAgentLine(event: SlackMessageEvent, chatId: string, outcome: AgentMessageOutcome, deps: RelayHandlerDeps): Promise<void> {
  const m = catalogue(deps.locale);
  const agent = await deps.chat.userName(event.user).catch(() => event.user);
  const isNote = outcome === 'note';
  let text = isNote ? event.text.trimStart().slice(deps.outbound.notePrefix.length).trim() : event.text;
  const files = event.files ?? [];
  if (files.length > 0) {
    const link = await deps.chat.permalink(event.channel, event.ts);
    text += `\n${files.map((f) => `[${m.jiraAttachment({ name: f.name })}] ${link}`).join('\n')}`;
  }
  const when = new Date(Number(event.ts.split('.')[0]) * 1000).toISOString();
  await deps.jira!.queue.conversationLine(chatId, `slack:${event.eventId}`, { body: `${agent} ${m.jiraFromSlack} (${when}):\n${text}`, isPublic: !isNote, fromContact: false });
}

/** A reply given up on is marked on the agent's message and explained in the thread, once. */
async function explainNotSent(event: SlackJob['event'], chatId: string, failure: JobFailure, deps: RelayHandlerDeps, ctx: JobContext): Promise<void> {
  if (event.kind !== 'message' && event.kind !== 'action') return;
  const contact = await deps.contacts.get(chatId);
  if (!contact?.cardTs) return;
  const where = { channel: event.channel, threadTs: contact.cardTs };
  const said = deps.outbound.notices.say(where, `:x: ${catalogue(deps.locale).replyNotSent({ reason: failureReason(failure) })}`, `gave-up:${ctx.job.id}`);
  // Independent effects: the mark on the agent's message does not wait for (or fail with) the notice.
  const marked = event.kind === 'message' ? deps.chat.addReaction(event.channel, event.ts, 'x') : Promise.resolve();
  await settleAll([said, marked]);
}

/** Nothing is dropped silently: when a message is given up on, its thread says so, once. */
async function explainInThread(chatId: string, failure: JobFailure, deps: RelayHandlerDeps, ctx: JobContext): Promise<void> {
  const contact = await deps.contacts.get(chatId);
  const channel = contact?.slackChannel ?? (await deps.chat.resolveChannel(deps.slackChannel));
  const text = `:warning: ${catalogue(deps.locale).couldNotShow({ reason: failureReason(failure) })}`;
  // Without a card yet (it is what failed) the notice goes to the channel itself.
  await deps.outbound.notices.say({ channel, threadTs: contact?.cardTs }, text, `gave-up:${ctx.job.id}`);
}

/** A failure in words safe for a thread: its code, or the start of its message. */
function failureReason(failure: JobFailure): string {
  return escapeMrkdwn(failure.code && failure.code !== 'error' ? failure.code : failure.message.slice(0, 200));
}
