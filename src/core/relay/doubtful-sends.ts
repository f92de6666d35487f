import { messages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { StatusUpdate } from '../model.js';
import type { SlackActionEvent, SlackMessageEvent } from '../slack-events.js';
import type { SlackBlock } from '../ports.js';
import { settleAll } from '../settle.js';
import type { ThreadPlace } from './notices.js';
import type { AgentMessageOutcome, OutboundDeps } from './outbound.js';

/**
 * Sends whose outcome is unknown (the request left, no answer came back). They are never
 * repeated on their own: the agent's message gets a mark, the thread says what happened and offers
 * **Send again**; a status that arrives later for the send settles the doubt. It is matched by the
 * reference it carried (Cloud API), or by the id the transport gave the message before sending it
 * (WhatsApp Web, whose statuses carry no reference).
 */

/** Recorded as a send's result while it is in doubt: a retry of the job does not send it again. */
export const IN_DOUBT = '?in-doubt';
export const SEND_AGAIN_ACTION = 'switchboard_send_again';
export const IN_DOUBT_REACTION = 'grey_question';

export interface DoubtRecord {
  eventId: string;
  chatId: string;
  channel: string;
  ts: string;
  threadTs?: string;
  /** The id the message went out under, when the transport chose it before sending (`BridgeError.messageId`). */
  messageId?: string;
}

const doubtKey = (sendKey: string) => `doubt:${sendKey}`;
/** A message id a send in doubt went out under → the send's key (its reference). */
const doubtIdKey = (messageId: string) => `doubt-id:${messageId}`;
const messageKey = (eventId: string) => `agent-message:${eventId}`;

/**
 * Records a send as in doubt so that a later status carrying its reference settles it (links the
 * message to `record.ts`, where its receipts then show). markInDoubt adds the Send again offer.
 */
export async function recordDoubt(sendKey: string, record: DoubtRecord, deps: Pick<OutboundDeps, 'effects'>): Promise<void> {
  await deps.effects.put(sendKey, IN_DOUBT);
  await deps.effects.put(doubtKey(sendKey), JSON.stringify(record));
  if (record.messageId) await deps.effects.put(doubtIdKey(record.messageId), sendKey);
}

export async function markInDoubt(
  event: SlackMessageEvent,
  chatId: string,
  sendKey: string,
  deps: OutboundDeps,
  where: ThreadPlace,
  messageId?: string,
): Promise<void> {
  const m = messages(deps.locale);
  await recordDoubt(sendKey, { eventId: event.eventId, chatId, channel: event.channel, ts: event.ts, threadTs: where.threadTs, messageId }, deps);
  // What Send again needs: the agent's message as it was.
  await deps.effects.put(messageKey(event.eventId), JSON.stringify(event));
  const text = `:grey_question: ${m.sendInDoubt}`;
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      block_id: 'in-doubt',
      elements: [{ type: 'button', action_id: SEND_AGAIN_ACTION, text: { type: 'plain_text', text: m.sendAgain }, value: event.eventId }],
    },
  ];
  await settleAll([
    deps.chat.addReaction(event.channel, event.ts, IN_DOUBT_REACTION),
    deps.notices.say(where, text, `in-doubt:${event.eventId}`, blocks),
  ]);
}

/**
 * The agent pressed Send again: what is still in doubt goes out (what is known to have gone, does not).
 * Answers the agent's message and what became of it, for what follows a reply that went out (the Jira line).
 */
export async function relaySendAgain(
  event: SlackActionEvent,
  chatId: string,
  deps: OutboundDeps,
  relay: (message: SlackMessageEvent, chatId: string, deps: OutboundDeps, opts: { resend: boolean }) => Promise<AgentMessageOutcome>,
): Promise<{ message: SlackMessageEvent; outcome: AgentMessageOutcome } | undefined> {
  const m = messages(deps.locale);
  const saved = await deps.effects.get(messageKey(event.value));
  if (!saved) return undefined;
  const original = JSON.parse(saved) as SlackMessageEvent;
  const outcome = await relay(original, chatId, deps, { resend: true });
  if (outcome === 'in-doubt') return { message: original, outcome };
  const user = await deps.chat.userName(event.user).catch(() => event.user);
  const done = `:repeat: ${m.sentAgain({ user: escapeMrkdwn(user) })}`;
  // The button goes, so nobody sends it a third time.
  await settleAll([
    deps.chat.updateMessage({ channel: event.channel, ts: event.messageTs, text: done, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: done } }] }),
    deps.chat.removeReaction(original.channel, original.ts, IN_DOUBT_REACTION),
  ]);
  return { message: original, outcome };
}

/** The send in doubt a status is for (by the reference it carries, or the id a send went out under), and its key. */
async function doubtOf(status: StatusUpdate, deps: Pick<OutboundDeps, 'effects'>): Promise<{ ref: string; record: DoubtRecord } | undefined> {
  const ref = status.ref ?? (await deps.effects.get(doubtIdKey(status.messageId)));
  const saved = ref ? await deps.effects.get(doubtKey(ref)) : undefined;
  return ref && saved ? { ref, record: JSON.parse(saved) as DoubtRecord } : undefined;
}

/**
 * A status for a message the bridge has no record of: if it carries the reference of a send in
 * doubt, or is for the id such a send went out under, that send reached WhatsApp after all.
 * Returns whether a doubt was settled.
 */
export async function settleDoubt(status: StatusUpdate, deps: OutboundDeps): Promise<boolean> {
  const doubt = await doubtOf(status, deps);
  if (!doubt || (await deps.effects.get(doubt.ref)) !== IN_DOUBT) return false;
  const { ref, record } = doubt;
  await deps.effects.put(ref, status.messageId);
  await deps.messages.link({ waMessageId: status.messageId, chatId: record.chatId, direction: 'out', slackChannel: record.channel, slackTs: record.ts });
  const text = `:information_source: ${messages(deps.locale).sendDoubtSettled}`;
  const notice = await deps.effects.get(`notice:in-doubt:${record.eventId}`);
  await settleAll([
    deps.chat.removeReaction(record.channel, record.ts, IN_DOUBT_REACTION),
    // The explanation and its button give way to what is now known.
    notice
      ? deps.chat.updateMessage({ channel: record.channel, ts: notice, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] })
      : deps.notices.say({ channel: record.channel, threadTs: record.threadTs }, text, `doubt-settled:${ref}`),
  ]);
  return true;
}

/**
 * After a status settled an agent's reply that was in doubt: the parts held back behind it (the
 * rest of a long text, its files) go out now, once; what went out is skipped by its key. Answers
 * the reply and what became of it, for what follows a reply that went out (the Jira line), or
 * undefined when the status settles no such reply or it was already resumed. A retry of the
 * status job finds the settled send by its recorded id and resumes what an attempt left undone.
 */
export async function resumeAfterDoubt(
  status: StatusUpdate,
  deps: OutboundDeps,
  relay: (message: SlackMessageEvent, chatId: string, deps: OutboundDeps) => Promise<AgentMessageOutcome>,
): Promise<{ message: SlackMessageEvent; chatId: string; outcome: AgentMessageOutcome } | undefined> {
  const doubt = await doubtOf(status, deps);
  if (!doubt || (await deps.effects.get(doubt.ref)) !== status.messageId) return undefined;
  const resumedKey = `doubt-resumed:${doubt.ref}`;
  if (await deps.effects.get(resumedKey)) return undefined;
  const saved = await deps.effects.get(messageKey(doubt.record.eventId));
  if (!saved) return undefined;
  const message = JSON.parse(saved) as SlackMessageEvent;
  const outcome = await relay(message, doubt.record.chatId, deps);
  await deps.effects.put(resumedKey, outcome);
  return { message, chatId: doubt.record.chatId, outcome };
}
