/**
 * The worker's side of starting a conversation and of the template picker: the card and thread
 * (created once, or the existing ones), the template (or, on WhatsApp Web, the text) sent once, and
 * a line in the thread that the delivery receipts land on.
 */
import { BridgeError, isBridgeError, isOutcomeUnknown } from '../errors.js';
import { messages, startMessages, type Locale } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { ContactRecord } from '../ports.js';
import { replyAddress } from '../relay/address.js';
import type { CardTicket } from '../relay/card.js';
import { renderCard, type CardViewDeps } from '../relay/card-view.js';
import { IN_DOUBT, IN_DOUBT_REACTION, recordDoubt } from '../relay/doubtful-sends.js';
import { CARD_EVENT_TYPE } from '../relay/inbound.js';
import { explainSendFailure } from '../relay/notices.js';
import type { OutboundDeps } from '../relay/outbound.js';
import type { SlackMessageEvent } from '../slack-events.js';
import { DEFAULT_ROUTE, scopedChatId } from '../routes.js';
import type { AgentStartStore } from './ports.js';
import { fillTemplate } from './texts.js';

export interface StartJob {
  chatId: string;
  /**
   * The route whose number sends (set when queued: the modal's "Send from", or the conversation's
   * own); absent in jobs queued before routes, which run with their conversation's route.
   */
  route?: string;
  /** The agent (Slack user id). */
  user: string;
  /** The modal's view id: one submission, one send, however often the job runs. */
  viewId: string;
  /** A new conversation: the number (digits) and the name typed. Absent: the picker in an existing thread. */
  start?: { phone: string; name?: string };
  template?: { name: string; language: string; params: string[]; body: string };
  /** WhatsApp Web: free text. */
  text?: string;
  /** The thread's "Send template" notice, replaced by who sent what. */
  noticeTs?: string;
}

/** The reply path's own parts, and what starting needs besides. */
export interface StartDeps extends Pick<OutboundDeps, 'locale' | 'contacts' | 'messages' | 'effects' | 'chat' | 'sender' | 'notices'> {
  /** The route these deps send from (its number's sender, its channel); absent: the implicit single route. */
  route?: string;
  transport: 'cloud' | 'web';
  /** The route's channel id. */
  channel(): Promise<string>;
  store: AgentStartStore;
  /** What the card shows besides the contact (who started it, owner, status, the request), as every redraw shows it. */
  cardView: Omit<CardViewDeps, 'chat' | 'locale'> & { cardTicket?(chatId: string): Promise<CardTicket | undefined> };
  /** What follows a message an agent sent (the Jira line), as for a typed reply. */
  afterSend?(event: SlackMessageEvent, chatId: string, outcome: 'sent'): Promise<void>;
  now(): number;
}


/** The conversation's card: the existing one, or a new one (with the same effect key the inbound relay uses, so only one is ever posted). */
async function ensureCard(job: StartJob & { start: NonNullable<StartJob['start']> }, deps: StartDeps, retrySince?: number): Promise<ContactRecord & { cardTs: string; slackChannel: string }> {
  let contact = await deps.contacts.get(job.chatId);
  if (!contact) {
    // Keyed as the intake keys a person writing to this route's number, so their answer finds this card.
    const route = deps.route && deps.route !== DEFAULT_ROUTE ? { route: deps.route } : {};
    contact = await deps.contacts.upsert({ chatId: job.chatId, ...route, transport: deps.transport, waId: scopedChatId(deps.route, job.start.phone), phone: job.start.phone, name: job.start.name, isGroup: false });
  }
  if (contact.cardTs && contact.slackChannel) return contact as ContactRecord & { cardTs: string; slackChannel: string };
  await deps.store.recordStarter(job.chatId, job.user, deps.now());
  const channel = await deps.channel();
  const card = await renderCard(contact, await deps.cardView.cardTicket?.(job.chatId), { ...deps.cardView, locale: deps.locale });
  const key = `card:${job.chatId}`;
  const metadata = { eventType: CARD_EVENT_TYPE, payload: { chat_id: job.chatId } };
  let ts = await deps.effects.get(key);
  // An attempt that posted the card and stopped before recording it: Slack is asked, not posted to again.
  if (!ts && retrySince !== undefined) ts = await deps.chat.findPosted({ channel, eventType: metadata.eventType, match: metadata.payload, since: retrySince });
  ts ??= (await deps.chat.postMessage({ channel, ...card, metadata })).ts;
  await deps.effects.put(key, ts);
  await deps.contacts.setCard(job.chatId, channel, ts);
  return { ...contact, slackChannel: channel, cardTs: ts };
}

/** `retrySince`: set when an earlier attempt of this job ran (the time it was queued). */
export async function runStart(job: StartJob, deps: StartDeps, retrySince?: number): Promise<void> {
  // The job runs with its route's deps (src/route-handlers.ts): a route no longer in the routes file sends from no other number.
  if (job.route !== undefined && job.route !== (deps.route ?? DEFAULT_ROUTE)) {
    throw new BridgeError(`the route ${job.route} this start was queued for is not configured`, { code: 'unknown_route', retryable: false });
  }
  const m = messages(deps.locale);
  const s = startMessages(deps.locale);
  const contact = job.start ? await ensureCard({ ...job, start: job.start }, deps, retrySince) : await deps.contacts.get(job.chatId);
  if (!contact?.cardTs || !contact.slackChannel) throw new BridgeError('no contact card for this conversation', { code: 'unknown_contact', retryable: false });
  const where = { channel: contact.slackChannel, threadTs: contact.cardTs };
  const user = escapeMrkdwn(await deps.chat.userName(job.user).catch(() => job.user));
  const key = `start:${job.viewId}`;
  const t = job.template;
  const shown = t ? fillTemplate(t.body, t.params) : (job.text ?? '');
  const head = t ? s.startedWithTemplate({ user, template: escapeMrkdwn(t.name) }) : s.startedWithText({ user });
  const quoted = shown ? `\n${escapeMrkdwn(shown).replace(/^/gm, '> ')}` : '';
  // The line first: the send's receipts land on it. A notice, so a crashed attempt's post is found, not repeated.
  const lineTs = await deps.notices.say(where, head + quoted, `line:${key}`);
  const result = await deps.effects.get(key);
  // In doubt already (an attempt stopped after saying so): nothing more until a status settles it.
  if (result === IN_DOUBT) return;
  if (!result) {
    let sent: { id: string };
    try {
      sent = t
        ? await deps.sender.sendTemplate(replyAddress(contact), t.name, t.language, { ref: key, bodyParams: t.params })
        : await deps.sender.sendText(replyAddress(contact), job.text ?? '', { ref: key });
    } catch (err) {
      if (isOutcomeUnknown(err)) {
        // Never sent twice on its own: a status that arrives later for it (by its reference) settles it.
        await recordDoubt(key, { eventId: key, chatId: job.chatId, channel: where.channel, ts: lineTs, threadTs: where.threadTs, messageId: err.messageId }, deps);
        await deps.chat.addReaction(where.channel, lineTs, IN_DOUBT_REACTION).catch(() => undefined);
        await deps.notices.say(where, `:grey_question: ${s.templateInDoubt}`, `in-doubt:${key}`);
        return;
      }
      if (isBridgeError(err) && err.retryable) throw err;
      await explainSendFailure(err, where, job.chatId, deps.notices, m, `fail:${key}`);
      await deps.chat.addReaction(where.channel, lineTs, 'x').catch(() => undefined);
      return;
    }
    await deps.effects.put(key, sent.id);
    await deps.messages.link({ waMessageId: sent.id, chatId: job.chatId, direction: 'out', slackChannel: where.channel, slackTs: lineTs, excerpt: (t?.name ?? shown).slice(0, 200) });
  }
  // Jira's copy of the conversation starts with what the agent sent (it waits for the request the contact's answer raises).
  const text = t ? `[${t.name}] ${shown}` : shown;
  await deps.afterSend?.({ kind: 'message', eventId: key, channel: where.channel, user: job.user, ts: lineTs, threadTs: where.threadTs, text }, job.chatId, 'sent');
  if (job.noticeTs && t) {
    const done = `:white_check_mark: ${m.templateSent({ user, template: escapeMrkdwn(t.name) })}`;
    // The button is replaced by who used it, so nobody sends the template twice.
    await deps.chat.updateMessage({ channel: where.channel, ts: job.noticeTs, text: done, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: done } }] });
  }
}

/** The card line naming who started the conversation, when it was started from Slack. */
export async function starterNotes(chatId: string, store: AgentStartStore, locale: Locale): Promise<string[]> {
  const starter = await store.starter(chatId);
  return starter ? [startMessages(locale).startedBy({ user: `<@${starter.userId}>` })] : [];
}
