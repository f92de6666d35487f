import { decide, initialState, type CardAction, type ConversationState } from '../conversation-states.js';
import type { ConversationStates } from '../store/conversation-states.js';
import { BridgeError } from '../errors.js';
import { messages, type Locale, type Messages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { ChatSurface, ContactStore } from '../ports.js';
import type { CardTicket } from './card.js';
import { showCard } from './card-view.js';
import type { Notices } from './notices.js';

/** The agent's e-mail as the chat tool knows it (Slack: users.info with users:read.email). */
export interface AgentEmails {
  email(userId: string): Promise<string | undefined>;
}

/** The request's side of an action, done in the Jira lane (relay/jira-actions.ts). */
export interface JiraActionJob {
  chatId: string;
  /** The action's interaction key: the Jira job is queued once per press. */
  key: string;
  action: CardAction;
  userId: string;
  name: string;
  /** A closing message went to the contact with this Resolve: JIRA_RESOLVED_MESSAGE is not sent as well. */
  closing?: boolean;
}

export interface CardActionDeps {
  locale: Locale;
  contacts: ContactStore;
  chat: ChatSurface;
  notices: Notices;
  states: ConversationStates;
  resolvePrefix?: string;
  now(): number;
  /** The card's request block (Jira), and whether there is a request to act on. */
  cardTicket?(chatId: string): Promise<CardTicket | undefined>;
  /** With Jira: queues the request's side of the action (assignment, transition). */
  queueJira?(job: JiraActionJob): Promise<void>;
  /** Other features' lines on the card (CardViewDeps.cardNotes), kept when a press redraws it. */
  cardNotes?(chatId: string): Promise<string[]>;
  /** The label of a conversation's route, shown on the card (CardViewDeps.routeLabel). */
  routeLabel?(route: string | undefined): string | undefined;
}

export interface CardActionInput {
  /** What identifies this press across Slack's retries: the interaction's event id. */
  key: string;
  chatId: string;
  action: CardAction;
  userId: string;
  closing?: boolean;
}

const LINES: Record<CardAction, (m: Messages, user: string) => string> = {
  claim: (m, user) => m.claimedBy({ user }),
  release: (m, user) => m.releasedBy({ user }),
  waiting: (m, user) => m.waitingBy({ user }),
  resolve: (m, user) => m.resolvedBy({ user }),
  reopen: (m, user) => m.reopenedBy({ user }),
};

/**
 * A card button was pressed. The press is recorded once (who, what, when) whatever Slack resends;
 * a press that changes nothing (a double click) is recorded as such and does nothing else. The card
 * shows the new state at once; with Jira the request follows in the Jira lane, and its answer (an
 * assignment that found nobody, a transition Jira does not offer) comes back to the card and thread.
 */
export async function applyCardAction(input: CardActionInput, deps: CardActionDeps): Promise<void> {
  const contact = await deps.contacts.get(input.chatId);
  if (!contact?.cardTs || !contact.slackChannel) throw new BridgeError('no contact card for this conversation', { code: 'unknown_contact', retryable: false });
  const card = contact as typeof contact & { cardTs: string; slackChannel: string };
  const now = deps.now();
  const name = await deps.chat.userName(input.userId).catch(() => input.userId);
  const state = (await deps.states.get(input.chatId)) ?? initialState(input.chatId, now);
  const decided = decide(state, input.action, { userId: input.userId, name }, now);
  const { record } = await deps.states.record({ key: input.key, chatId: input.chatId, action: input.action, userId: input.userId, at: now, applied: decided.applied });
  const ticket = await deps.cardTicket?.(input.chatId);
  if (!record.applied) {
    // A stale card (its buttons from before the last change) is brought up to date.
    return showCard(card, ticket, deps, state);
  }
  // A re-run of a press whose state was saved decides "no change" now: the state stands as saved.
  let next: ConversationState = decided.applied ? decided.next : state;
  // A request Jira deleted takes no more changes: the bridge's state alone moves until the next one is raised.
  const toJira = Boolean(deps.queueJira && ticket && !ticket.deleted && state.deletedRequest !== ticket.key);
  if (input.action === 'claim' && toJira && next.owner?.userId === input.userId && next.owner.jira === undefined) {
    next = { ...next, owner: { ...next.owner, jira: 'pending' } };
  }
  if (decided.applied) await deps.states.save(next);
  await showCard(card, ticket, deps, next);
  await deps.notices.say({ channel: card.slackChannel, threadTs: card.cardTs }, LINES[input.action](messages(deps.locale), escapeMrkdwn(name)), `card-action:${input.key}`);
  if (toJira) await deps.queueJira!({ chatId: input.chatId, key: input.key, action: input.action, userId: input.userId, name, ...(input.closing ? { closing: true } : {}) });
}

/**
 * The contact wrote: a conversation waiting for them, or resolved, is open again. Only the bridge's
 * own state (without Jira); with Jira the request says where the conversation stands.
 */
export async function contactWrote(chatId: string, deps: CardActionDeps): Promise<void> {
  const state = await deps.states.get(chatId);
  if (!state || state.status === 'open') return;
  const contact = await deps.contacts.get(chatId);
  if (!contact?.cardTs || !contact.slackChannel) return;
  const next: ConversationState = { ...state, status: 'open', updatedAt: deps.now() };
  await deps.states.save(next);
  await showCard(contact as typeof contact & { cardTs: string; slackChannel: string }, undefined, deps, next);
}
