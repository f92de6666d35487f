/**
 * The card's Resolve, submitted from its modal: the closing message typed there (if any) goes to the
 * contact exactly like a reply in the thread (the 24-hour window, signing, receipts on its line, the
 * Jira line), then the conversation is resolved as the button did before it asked (one press, keyed
 * by the modal's view, whatever Slack resends).
 */
import { startMessages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { SlackMessageEvent } from '../slack-events.js';
import { applyCardAction, type CardActionDeps } from './card-actions.js';
import { relayAgentMessage, type AgentMessageOutcome, type OutboundDeps } from './outbound.js';

export interface ResolveJob {
  chatId: string;
  channel: string;
  /** The card's ts: the contact's thread. */
  threadTs: string;
  user: string;
  /** The modal's view id: one submission, one send and one resolve. */
  key: string;
  /** The closing message as typed (plain text); absent: resolve without one. */
  text?: string;
}

export interface ResolveDeps {
  outbound: OutboundDeps;
  cards: CardActionDeps;
  /** What follows a reply that went out (the Jira line), as for a typed reply. */
  afterSend?(event: SlackMessageEvent, chatId: string, outcome: AgentMessageOutcome): Promise<void>;
}

export async function runResolve(job: ResolveJob, deps: ResolveDeps): Promise<void> {
  let outcome: AgentMessageOutcome | undefined;
  if (job.text) {
    const { outbound } = deps;
    const where = { channel: job.channel, threadTs: job.threadTs };
    const agent = await outbound.chat.userName(job.user).catch(() => job.user);
    // Typed as plain text: escaped into Slack markup, as Slack hands over a typed message (the reply path decodes it).
    const text = escapeMrkdwn(job.text);
    // The thread shows what the contact gets; the send's receipts land on this line. A notice, so a
    // crashed attempt's post is found again rather than repeated.
    const ts = await outbound.notices.say(where, `${startMessages(outbound.locale).closingSent({ user: escapeMrkdwn(agent) })}\n${text}`, `closing-line:${job.key}`);
    const event: SlackMessageEvent = { kind: 'message', eventId: `closing:${job.key}`, channel: job.channel, user: job.user, ts, threadTs: job.threadTs, text };
    outcome = await relayAgentMessage(event, job.chatId, outbound);
    await deps.afterSend?.(event, job.chatId, outcome);
  }
  await applyCardAction({ key: job.key, chatId: job.chatId, action: 'resolve', userId: job.user, closing: outcome === 'sent' }, deps.cards);
}
