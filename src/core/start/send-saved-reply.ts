/**
 * A saved reply inserted into a contact's thread: its placeholders filled, shown in the thread, and
 * then sent exactly like an agent's own reply there (the same outbound path: the 24-hour window,
 * splitting, signing, receipts on the line, and the Jira line).
 */
import { messages, startMessages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import { contactName } from '../relay/card.js';
import { relayAgentMessage, type AgentMessageOutcome, type OutboundDeps } from '../relay/outbound.js';
import type { SlackMessageEvent } from '../slack-events.js';
import type { AgentStartStore } from './ports.js';
import { fillSavedReply } from './texts.js';

export interface SavedReplyJob {
  chatId: string;
  channel: string;
  threadTs: string;
  name: string;
  user: string;
  /** The modal's view id (or the command's trigger): one insertion, one send. */
  key: string;
}

export interface SavedReplyDeps {
  outbound: OutboundDeps;
  store: AgentStartStore;
  /** The open request's key, for `{ticket}`. */
  ticketKey(chatId: string): Promise<string | undefined>;
  /** What follows a reply that went out (the Jira line), as for a typed reply. */
  afterSend?(event: SlackMessageEvent, chatId: string, outcome: AgentMessageOutcome): Promise<void>;
}

export async function runSavedReply(job: SavedReplyJob, deps: SavedReplyDeps): Promise<void> {
  const { outbound } = deps;
  const s = startMessages(outbound.locale);
  const where = { channel: job.channel, threadTs: job.threadTs };
  const reply = await deps.store.savedReply(job.name);
  if (!reply) {
    await outbound.notices.say(where, `:warning: ${s.unknownReply({ name: escapeMrkdwn(job.name) })}`, `saved-missing:${job.key}`);
    return;
  }
  const contact = await outbound.contacts.get(job.chatId);
  const agent = await outbound.chat.userName(job.user).catch(() => job.user);
  // The text is Slack markup (the line shows it, the reply path converts it): what came from WhatsApp is escaped.
  const text = fillSavedReply(reply.text, {
    name: escapeMrkdwn(contact ? contactName(contact, outbound.locale) : messages(outbound.locale).unknownName),
    ticket: escapeMrkdwn((await deps.ticketKey(job.chatId)) ?? ''),
    agent: escapeMrkdwn(agent),
  });
  const body = reply.fileUrl ? `${text}\n${reply.fileUrl}` : text;
  // The thread shows what the contact gets; the send's receipts land on this line, as on a typed reply.
  // A notice, so a crashed attempt's post is found again rather than repeated.
  const head = s.savedReplySent({ user: escapeMrkdwn(agent), name: escapeMrkdwn(reply.name) });
  const attached = reply.file ? `\n:paperclip: ${escapeMrkdwn(reply.file.name)}` : '';
  const ts = await outbound.notices.say(where, `${head}\n${body}${attached}`, `saved-line:${job.key}`);
  // A Slack file goes as a file an agent attached to their reply does (downloaded with the bot token, sent as its media kind).
  const files = reply.file ? [{ ...reply.file }] : undefined;
  const event: SlackMessageEvent = { kind: 'message', eventId: `saved:${job.key}`, channel: job.channel, user: job.user, ts, threadTs: job.threadTs, text: body, ...(files ? { files } : {}) };
  const outcome = await relayAgentMessage(event, job.chatId, outbound);
  await deps.afterSend?.(event, job.chatId, outcome);
}
