import { isBridgeError } from '../errors.js';
import { messages } from '../format/i18n.js';
import { planSlackMessages } from '../format/split.js';
import { describeContent } from '../format/whatsapp-content.js';
import type { EditContent, InboundMessage, RevokeContent } from '../model.js';
import type { ContactRecord, MessageLink } from '../ports.js';
import type { InboundDeps, ThreadKit } from './inbound.js';

/**
 * A message changed after it was shown (Cloud API `edit` / `revoke`, from the contact or from the
 * business phone): the post it became is changed where it stands, so the thread reads as the chat
 * does. Only when that post is unknown (older than the bridge, or never shown) does a new line say
 * what happened, after the others. A deletion never asks for the message again.
 */

/** Slack refused to change the post: it was deleted there, or is not the bridge's to edit. */
const GONE = new Set(['slack_message_not_found', 'slack_cant_update_message', 'slack_edit_window_closed']);

async function shownPost(targetId: string, contact: ContactRecord, deps: InboundDeps): Promise<MessageLink | undefined> {
  const target = await deps.messages.byWaId(targetId);
  // Only a message of this conversation (an id from elsewhere must not rewrite another thread).
  return target && target.chatId === contact.chatId ? target : undefined;
}

async function updateOrFallBack(target: MessageLink | undefined, update: () => Promise<void>): Promise<boolean> {
  if (!target) return false;
  try {
    await update();
    return true;
  } catch (err) {
    if (isBridgeError(err) && GONE.has(err.code)) return false;
    throw err;
  }
}

export async function relayEdit(message: InboundMessage, content: EditContent, contact: ContactRecord, deps: InboundDeps, kit: ThreadKit): Promise<void> {
  const key = `edit:${message.id}`;
  if (await deps.effects.get(key)) return;
  const m = messages(deps.locale);
  const body = describeContent(content.content, deps.locale);
  const target = await shownPost(content.targetId, contact, deps);
  const updated = await updateOrFallBack(target, async () => {
    // One post per message: a new version too long for one is cut to its first part, marked as such.
    const plan = planSlackMessages(kit.byline(message, contact, deps) + body);
    const { text, blocks } = kit.render(message, plan[0]!, deps, {
      marks: [`:pencil2: ${m.editedMessage}`],
      ...(plan.length > 1 ? { part: { index: 1, total: plan.length } } : {}),
    });
    await deps.chat.updateMessage({ channel: target!.slackChannel, ts: target!.slackTs, text, blocks });
  });
  if (!updated) await kit.post({ ...message, edited: true }, `_${m.editOfUnknown}_\n${body}`, contact, contact.cardTs!, deps);
  await deps.effects.put(key, updated ? target!.slackTs : 'posted');
}

export async function relayRevoke(message: InboundMessage, content: RevokeContent, contact: ContactRecord, deps: InboundDeps, kit: ThreadKit): Promise<void> {
  const key = `revoke:${message.id}`;
  if (await deps.effects.get(key)) return;
  const m = messages(deps.locale);
  const target = await shownPost(content.targetId, contact, deps);
  const updated = await updateOrFallBack(target, async () => {
    // What the agents saw stays as a quote (as WhatsApp Web's deletions are shown), marked deleted.
    const said = message.fromPhone ? m.deletedFromPhone : m.deletedByContact;
    const before = target!.excerpt ? `> _${m.previousVersion}:_ ${target!.excerpt}\n` : '';
    const { text, blocks } = kit.render(message, [`${kit.byline(message, contact, deps)}${before}:wastebasket: _${said}_`], deps);
    await deps.chat.updateMessage({ channel: target!.slackChannel, ts: target!.slackTs, text, blocks });
  });
  if (!updated) await kit.post(message, `:wastebasket: _${m.deletedUnknown({ fromPhone: Boolean(message.fromPhone) })}_`, contact, contact.cardTs!, deps);
  await deps.effects.put(key, updated ? target!.slackTs : 'posted');
}
