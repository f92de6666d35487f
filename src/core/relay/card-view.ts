import type { ConversationState } from '../conversation-states.js';
import type { ConversationStates } from '../store/conversation-states.js';
import type { Locale } from '../format/i18n.js';
import { isBridgeError } from '../errors.js';
import type { ChatSurface, ContactRecord, SlackBlock } from '../ports.js';
import type { Notices } from './notices.js';
import { contactCard, type CardTicket } from './card.js';

export interface CardViewDeps {
  locale: Locale;
  chat: ChatSurface;
  /** Absent in tests of other features: the card then shows a fresh conversation. */
  states?: ConversationStates;
  /** RESOLVE_PREFIX, shown as a hint under the buttons. */
  resolvePrefix?: string;
  /** Lines other features keep on the card (who started the conversation from Slack). */
  cardNotes?(chatId: string): Promise<string[]>;
  /** With several routes: the label of a conversation's route, shown before the number written to. */
  routeLabel?(route: string | undefined): string | undefined;
  /** Posts this app's own card into a thread whose parent it may not edit (with `states`, which records it). */
  notices?: Notices;
}

/**
 * Edits the contact card in place with everything it shows: the person, the request, and the
 * conversation's owner, status and buttons, and other features' notes. Every change to any of them comes through here, so
 * none of them is lost when another changes.
 */
export async function showCard(
  contact: ContactRecord & { cardTs: string; slackChannel: string },
  ticket: CardTicket | undefined,
  deps: CardViewDeps,
  state?: ConversationState,
): Promise<void> {
  const conversation = state ?? (await deps.states?.get(contact.chatId));
  const card = await renderCard(contact, ticket, deps, conversation);
  const ts = conversation?.cardMessageTs ?? contact.cardTs;
  try {
    await deps.chat.updateMessage({ channel: contact.slackChannel, ts, ...card });
  } catch (err) {
    if (!(isBridgeError(err) && err.code === 'slack_cant_update_message' && ts === contact.cardTs && deps.states && deps.notices)) throw err;
    // The thread's parent is another app's message (a thread adopted from WhatsAppInSlack), and Slack lets
    // only the app that posted a message edit it: this app's own card goes into the thread, once (a notice,
    // so a retry finds it), and is the one drawn from now on.
    const own = await deps.notices.say({ channel: contact.slackChannel, threadTs: contact.cardTs }, card.text, `own-card:${contact.chatId}`, card.blocks);
    await deps.states.setCardMessage(contact.chatId, own);
    // An earlier attempt's post shows what it showed then.
    await deps.chat.updateMessage({ channel: contact.slackChannel, ts: own, ...card });
  }
}

/**
 * The card as it stands (what showCard draws), also for its first post: a card posted with less
 * (no buttons' hint, no notes) would stay so until something redraws it.
 */
export async function renderCard(contact: ContactRecord, ticket: CardTicket | undefined, deps: Omit<CardViewDeps, 'chat'>, state?: ConversationState): Promise<{ text: string; blocks: SlackBlock[] }> {
  const conversation = state ?? (await deps.states?.get(contact.chatId));
  const shown = ticket && conversation?.deletedRequest === ticket.key ? { ...ticket, deleted: true } : ticket;
  const notes = (await deps.cardNotes?.(contact.chatId)) ?? [];
  return contactCard(contact, deps.locale, shown, notes, conversation, { resolvePrefix: deps.resolvePrefix, numberLabel: deps.routeLabel?.(contact.route) });
}
