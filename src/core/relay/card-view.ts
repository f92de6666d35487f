import type { ConversationState } from '../conversation-states.js';
import type { ConversationStates } from '../store/conversation-states.js';
import type { Locale } from '../format/i18n.js';
import type { ChatSurface, ContactRecord, SlackBlock } from '../ports.js';
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
  const card = await renderCard(contact, ticket, deps, state);
  await deps.chat.updateMessage({ channel: contact.slackChannel, ts: contact.cardTs, ...card });
}

/**
 * The card as it stands (what showCard draws), also for its first post: a card posted with less
 * (no buttons' hint, no notes) would stay so until something redraws it.
 */
export async function renderCard(contact: ContactRecord, ticket: CardTicket | undefined, deps: Omit<CardViewDeps, 'chat'>, state?: ConversationState): Promise<{ text: string; blocks: SlackBlock[] }> {
  const conversation = state ?? (await deps.states?.get(contact.chatId));
  const shown = ticket && conversation?.deletedRequest === ticket.key ? { ...ticket, deleted: true } : ticket;
  const notes = (await deps.cardNotes?.(contact.chatId)) ?? [];
  return contactCard(contact, deps.locale, shown, notes, conversation, { resolvePrefix: deps.resolvePrefix });
}
