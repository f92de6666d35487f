import type { ConversationStatus } from './conversation-states.js';

/**
 * Jira's workflow as the card's buttons need it: transitions, assignment and who the integration
 * account is (to tell its own comments apart). Agents' transitions are the platform API's
 * (`/rest/api/3/issue/{key}/transitions`): JSM's `/servicedeskapi/request/{key}/transition` lists only
 * what a customer may do, by name alone, and "Waiting for customer" is not among them.
 */
export interface TicketTransition {
  id: string;
  name: string;
  /** The status it leads to, and that status's category key (`new`, `indeterminate`, `done`). */
  to: { name: string; category: string };
}

export interface TicketWorkflow {
  transitions(key: string): Promise<TicketTransition[]>;
  transition(key: string, transitionId: string): Promise<void>;
  /** The Jira account with exactly this e-mail (as far as the user's privacy settings show it). */
  findUserByEmail(email: string): Promise<{ accountId: string; displayName?: string } | undefined>;
  /** `null` unassigns. */
  assign(key: string, accountId: string | null): Promise<void>;
  /** The integration account's id (GET /rest/api/3/myself). */
  selfAccountId(): Promise<string>;
}

export type StatusAction = 'waiting' | 'resolve' | 'reopen';

/** The names each status action is looked up by (JIRA_TRANSITION_*), in order of preference. */
export type TransitionNames = Record<StatusAction, string[]>;

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The transition a button applies: the first configured name that a transition or its target status
 * carries; failing that, Resolve takes a transition into a done status and Reopen one out of it
 * (preferring "in progress" over "to do"). Waiting has no category of its own, so only names find it.
 */
export function pickTransition(transitions: TicketTransition[], action: StatusAction, names: TransitionNames): TicketTransition | undefined {
  for (const name of names[action]) {
    const hit = transitions.find((t) => same(t.name, name)) ?? transitions.find((t) => same(t.to.name, name));
    if (hit) return hit;
  }
  if (action === 'resolve') return transitions.find((t) => t.to.category === 'done');
  if (action === 'reopen') return transitions.find((t) => t.to.category === 'indeterminate') ?? transitions.find((t) => t.to.category === 'new');
  return undefined;
}

/** The conversation's status as a Jira request's status says it. */
export function statusOfRequest(ticket: { status: string; done: boolean }, waitingNames: string[]): ConversationStatus {
  if (ticket.done) return 'resolved';
  return waitingNames.some((n) => same(n, ticket.status)) ? 'waiting' : 'open';
}

/** Whether the request already is where the action would take it (a repeat is then a no-op in Jira too). */
export function alreadyThere(ticket: { status: string; done: boolean }, action: StatusAction, waitingNames: string[]): boolean {
  const now = statusOfRequest(ticket, waitingNames);
  return action === 'resolve' ? now === 'resolved' : action === 'waiting' ? now === 'waiting' : now === 'open';
}
