import { BridgeError, isBridgeError } from '../errors.js';
import { messages, type Messages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import { agentPrefix, mrkdwnToWhatsApp } from '../format/mrkdwn-to-whatsapp.js';
import { splitForWhatsApp } from '../format/split.js';
import type { DeliveryStatus, StatusError, StatusUpdate } from '../model.js';
import type { SlackActionEvent, SlackMessageChangedEvent, SlackMessageDeletedEvent, SlackReactionEvent } from '../slack-events.js';
import { settleAll } from '../settle.js';
import { settleDoubt } from './doubtful-sends.js';
import { explainSendFailure, SEND_TEMPLATE_ACTION } from './notices.js';
import type { OutboundDeps } from './outbound.js';
import { replyAddress } from './address.js';

/** How a reply's delivery state shows on the agent's Slack message. */
export const STATUS_REACTIONS: Record<DeliveryStatus, string> = {
  sent: 'heavy_check_mark',
  delivered: 'white_check_mark',
  read: 'eyes',
  failed: 'x',
};

async function contactThread(chatId: string, deps: OutboundDeps) {
  const contact = await deps.contacts.get(chatId);
  if (!contact?.cardTs || !contact.slackChannel) {
    throw new BridgeError('no contact card for this conversation', { code: 'unknown_contact', retryable: false });
  }
  return { contact, where: { channel: contact.slackChannel, threadTs: contact.cardTs } };
}

/** An agent edited or deleted a reply that already went out. */
export async function relayAgentEdit(event: SlackMessageChangedEvent | SlackMessageDeletedEvent, chatId: string, deps: OutboundDeps): Promise<void> {
  // Slack also sends message_changed when it adds a link preview or a file thumbnail: not an edit.
  if (event.kind === 'message_changed' && event.previousText !== undefined && event.previousText === event.text) return;
  const m = messages(deps.locale);
  const { contact, where } = await contactThread(chatId, deps);
  const { editText, deleteMessage } = deps.sender;
  if (deps.sender.capabilities.edits && deps.sender.capabilities.deletions && editText && deleteMessage) {
    // WhatsApp Web edits and deletes for everyone. A reply that went out in parts becomes its first
    // part, edited to the new text (up to WhatsApp's limit), and the other parts are deleted.
    const key = `edit:${event.eventId}`;
    if (await deps.effects.get(key)) return;
    const links = (await deps.messages.allBySlackTs(event.channel, event.ts)).filter((l) => l.direction === 'out');
    for (const [i, link] of links.entries()) {
      if (event.kind === 'message_changed' && i === 0) {
        const [first] = splitForWhatsApp(await composeEditedText(event, deps));
        await editText.call(deps.sender, replyAddress(contact), link.waMessageId, first ?? '');
      } else {
        await deleteMessage.call(deps.sender, replyAddress(contact), link.waMessageId);
      }
    }
    await deps.effects.put(key, '1');
    return;
  }
  const text = event.kind === 'message_changed' ? m.editNotPossible : m.deleteNotPossible;
  await deps.notices.say(where, `:information_source: ${text}`, `edit:${event.eventId}`);
}

async function composeEditedText(event: SlackMessageChangedEvent, deps: OutboundDeps): Promise<string> {
  const body = mrkdwnToWhatsApp(event.text, { userName: () => undefined, channelName: () => undefined, emoji: deps.emojiFromName }).trim();
  if (!deps.signReplies || !event.user) return body;
  return agentPrefix(await deps.chat.userName(event.user).catch(() => event.user!)) + body;
}

/** An agent's reaction on a contact's message becomes a WhatsApp reaction (or its removal). */
export async function relayAgentReaction(event: SlackReactionEvent, chatId: string, deps: OutboundDeps): Promise<void> {
  const key = `reaction:${event.eventId}`;
  if (await deps.effects.get(key)) return;
  const link = await deps.messages.bySlackTs(event.channel, event.itemTs);
  if (!link) return;
  const { contact, where } = await contactThread(chatId, deps);
  const emoji = deps.emojiFromName(event.reaction);
  if (!emoji) {
    await deps.notices.say(where, messages(deps.locale).reactionNotSent({ name: escapeMrkdwn(event.reaction) }), key);
    return;
  }
  const sent = await deps.sender.sendReaction(replyAddress(contact), link.waMessageId, event.kind === 'reaction_added' ? emoji : '');
  await deps.effects.put(key, sent.id);
}

/** The "Send template" button: sends WHATSAPP_TEMPLATE_NAME to reopen the 24-hour window. */
export async function relayTemplateAction(
  event: SlackActionEvent,
  chatId: string,
  deps: OutboundDeps & { templateName?: string; templateLanguage: string },
): Promise<void> {
  if (event.actionId !== SEND_TEMPLATE_ACTION || !deps.templateName) return;
  const key = `template:${event.eventId}`;
  if (await deps.effects.get(key)) return;
  const m = messages(deps.locale);
  const { contact, where } = await contactThread(chatId, deps);
  let sent;
  try {
    sent = await deps.sender.sendTemplate(replyAddress(contact), deps.templateName, deps.templateLanguage);
  } catch (err) {
    if (isBridgeError(err) && err.retryable) throw err;
    await explainSendFailure(err, where, chatId, deps.notices, m, `fail:${key}`);
    return;
  }
  await deps.effects.put(key, sent.id);
  await deps.messages.link({ waMessageId: sent.id, chatId, direction: 'out', slackChannel: event.channel, slackTs: event.messageTs, excerpt: deps.templateName });
  const user = await deps.chat.userName(event.user).catch(() => event.user);
  const done = `:white_check_mark: ${m.templateSent({ user: escapeMrkdwn(user), template: escapeMrkdwn(deps.templateName) })}`;
  // The button is replaced by who pressed it, so nobody sends the template twice.
  await deps.chat.updateMessage({ channel: event.channel, ts: event.messageTs, text: done, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: done } }] });
}

/**
 * A status webhook: the delivery state moves up (never down) and shows as a reaction on the
 * agent's message; a failure is explained in the thread. The state is recorded first; the reaction
 * and the explanation are independent effects, so neither takes the other down, and a retry (the
 * state already recorded) shows the current state again instead of nothing.
 */
export async function showDeliveryStatus(status: StatusUpdate, deps: OutboundDeps): Promise<void> {
  let result = await deps.messages.recordStatus(status);
  // A send whose answer was lost: its status tells it reached WhatsApp, and under which id.
  if (!result.link && (await settleDoubt(status, deps))) result = await deps.messages.recordStatus(status);
  const link = result.link;
  if (!link || link.direction !== 'out' || result.status !== status.status) return;
  const mark = async () => {
    try {
      if (result.previous) await deps.chat.removeReaction(link.slackChannel, link.slackTs, STATUS_REACTIONS[result.previous]);
      await deps.chat.addReaction(link.slackChannel, link.slackTs, STATUS_REACTIONS[status.status]);
    } catch (err) {
      // The agent deleted their message: there is nothing left to mark.
      if (!(isBridgeError(err) && err.code === 'slack_message_not_found')) throw err;
    }
  };
  await settleAll([mark(), status.status === 'failed' ? explainFailedStatus(status, link.chatId, deps) : Promise.resolve()]);
}

async function explainFailedStatus(status: StatusUpdate, chatId: string, deps: OutboundDeps): Promise<void> {
  const { where } = await contactThread(chatId, deps);
  const code = status.errors?.[0]?.code;
  const m = messages(deps.locale);
  const key = `status-failed:${status.messageId}`;
  if (status.errors?.[0]?.windowClosed) return deps.notices.windowClosed(where, chatId, key);
  const error = status.errors?.[0];
  const reason = code !== undefined ? m.deliveryError({ code }) : (error?.title ?? m.deliveryFailed);
  await deps.notices.say(where, [`:x: ${m.replyNotSent({ reason: escapeMrkdwn(reason) })}`, metaWords(error, m)].filter(Boolean).join('\n'), key);
}

/**
 * Meta's own title, message and details, below the bridge's explanation: the code alone tells an
 * agent nothing, and Meta's details often say what to do. Skipped where they add nothing.
 */
function metaWords(error: StatusError | undefined, m: Messages): string | undefined {
  if (!error) return undefined;
  const title = error.title && error.title !== String(error.code) ? error.title : error.message;
  if (!title) return undefined;
  const more = [error.message, error.details].filter((t): t is string => Boolean(t) && t !== title);
  const details = [...new Set(more)].join(' ');
  return `_${m.whatsappSays({ title: escapeMrkdwn(title), code: error.code, ...(details ? { details: escapeMrkdwn(details) } : {}) })}_`;
}
