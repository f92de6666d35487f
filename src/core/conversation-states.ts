/**
 * A conversation as agents run it from its card: open, waiting for the customer, or resolved, and who
 * owns it. Without Jira this is the bridge's own state; with Jira it follows the request (see
 * relay/card-actions.ts), and the card shows both.
 */

export type ConversationStatus = 'open' | 'waiting' | 'resolved';

/** What became of a claim in Jira: the request assigned to the agent's Jira account, or why not. */
export type JiraAssignment = 'pending' | 'assigned' | 'no-jira-user' | 'no-email' | 'failed';

export interface ConversationOwner {
  /** Slack user id. */
  userId: string;
  /** As Slack shows the agent, when they claimed. */
  name: string;
  /** Absent without Jira (or without a request to assign). */
  jira?: JiraAssignment;
}

export interface ConversationState {
  chatId: string;
  status: ConversationStatus;
  owner?: ConversationOwner;
  /** A request Jira deleted (the card says so until the next one is raised). */
  deletedRequest?: string;
  /**
   * The card this app posted in the thread, when the thread's parent is not this app's to edit (a thread
   * adopted from WhatsAppInSlack). Kept by ConversationStates.setCardMessage; save() leaves it as it is.
   */
  cardMessageTs?: string;
  updatedAt: number;
}

export const CARD_ACTIONS = ['claim', 'release', 'waiting', 'resolve', 'reopen'] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

/** One press of a card button (or a `resolve:` reply), as the audit keeps it. */
export interface ActionRecord {
  /** The interaction (Slack action_ts or event id): one record per press, whatever Slack resends. */
  key: string;
  chatId: string;
  action: CardAction;
  /** Slack user id of the agent. */
  userId: string;
  at: number;
  /** False when the press changed nothing (a double click, a resolve of a resolved conversation). */
  applied: boolean;
}

export const initialState = (chatId: string, now: number): ConversationState => ({ chatId, status: 'open', updatedAt: now });

/**
 * What a press does to the state: `applied: false` when it is already so (a double click or a
 * second agent pressing the same button), so repeating it never repeats a transition.
 */
export function decide(state: ConversationState, action: CardAction, agent: { userId: string; name: string }, now: number): { applied: boolean; next: ConversationState } {
  const same = { applied: false, next: state };
  const to = (patch: Partial<ConversationState>) => ({ applied: true, next: { ...state, ...patch, updatedAt: now } });
  switch (action) {
    case 'claim':
      return state.owner?.userId === agent.userId ? same : to({ owner: { userId: agent.userId, name: agent.name } });
    case 'release':
      return state.owner ? to({ owner: undefined }) : same;
    case 'waiting':
      return state.status === 'open' ? to({ status: 'waiting' }) : same;
    case 'resolve':
      return state.status === 'resolved' ? same : to({ status: 'resolved' });
    case 'reopen':
      return state.status === 'open' ? same : to({ status: 'open' });
  }
}
