import type { JiraAssignment } from '../conversation-states.js';
import { isBridgeError } from '../errors.js';
import { messages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import { alreadyThere, pickTransition, type StatusAction, type TicketWorkflow, type TransitionNames } from '../ticket-workflow.js';
import type { AgentEmails, JiraActionJob } from './card-actions.js';
import { applyRequestChange, resolvedMessageKey } from './request-changes.js';
import { refreshCard, type TicketDeps } from './tickets.js';

export interface JiraActionDeps extends TicketDeps {
  workflow: TicketWorkflow;
  emails: AgentEmails;
  transitionNames: TransitionNames;
}

const SETTINGS: Record<StatusAction, string> = { waiting: 'JIRA_TRANSITION_WAITING', resolve: 'JIRA_TRANSITION_RESOLVE', reopen: 'JIRA_TRANSITION_REOPEN' };

/** A refusal Jira will repeat (permissions, a workflow condition): said in the thread, not retried. */
const refusedForGood = (err: unknown) => isBridgeError(err) && !err.retryable;

/**
 * The request's side of a card action, in the conversation's Jira lane: a claim assigns the request
 * to the Jira user with the agent's e-mail, a release unassigns it, and the status buttons apply the
 * matching transition. Each reads Jira's current state first, so a re-run (or a second press that
 * got this far) changes nothing that is already so.
 */
export async function applyJiraAction(job: JiraActionJob, deps: JiraActionDeps): Promise<void> {
  const ticket = (await deps.tickets.open(job.chatId)) ?? (await deps.tickets.latest(job.chatId));
  const state = await deps.states?.get(job.chatId);
  if (!ticket || state?.deletedRequest === ticket.key) return;
  const contact = await deps.contacts.get(job.chatId);
  if (!contact?.cardTs || !contact.slackChannel) return;
  const card = contact as typeof contact & { cardTs: string; slackChannel: string };
  const m = messages(deps.locale);
  const where = { channel: card.slackChannel, threadTs: card.cardTs };
  const say = async (text: string, what: string) => void (await deps.notices.say(where, text, `jira-action:${job.key}:${what}`));

  if (job.action === 'claim' || job.action === 'release') {
    if (job.action === 'release') {
      // Someone claimed it again since: their claim's own job assigns it.
      if (state?.owner) return;
      await deps.workflow.assign(ticket.key, null);
      return say(m.jiraUnassigned({ key: ticket.key }), 'unassigned');
    }
    if (state?.owner?.userId !== job.userId) return;
    const outcome = await assign(ticket.key, job.userId, deps);
    const now = (await deps.states?.get(job.chatId)) ?? state;
    if (deps.states && now.owner?.userId === job.userId) await deps.states.save({ ...now, owner: { ...now.owner, jira: outcome }, updatedAt: deps.now() });
    await refreshCard(card, ticket, deps);
    const user = escapeMrkdwn(job.name);
    if (outcome === 'assigned') await say(m.jiraAssigned({ key: ticket.key, user }), 'assigned');
    if (outcome === 'no-jira-user') await say(m.jiraNoUser({ key: ticket.key, user }), 'no-user');
    return;
  }

  const action = job.action;
  const current = await deps.ticketing.getRequest(ticket.key);
  const names = deps.transitionNames;
  if (!alreadyThere(current, action, names.waiting)) {
    const chosen = pickTransition(await deps.workflow.transitions(ticket.key), action, names);
    if (!chosen) {
      await say(m.jiraNoTransition({ key: ticket.key, action: m[ACTION_LABEL[action]], status: escapeMrkdwn(current.status), setting: SETTINGS[action] }), 'no-transition');
    } else {
      try {
        await deps.workflow.transition(ticket.key, chosen.id);
      } catch (err) {
        if (!refusedForGood(err)) throw err;
        await say(m.jiraActionFailed({ key: ticket.key, reason: escapeMrkdwn(isBridgeError(err) ? err.code : 'error') }), 'failed');
      }
    }
  }
  // The agent's own closing message stands in for JIRA_RESOLVED_MESSAGE.
  if (job.closing && action === 'resolve') await deps.effects.put(resolvedMessageKey(ticket.key), 'closing-message');
  // Whatever happened, the card and thread follow what Jira now says (a refused transition puts the card back).
  const after = await deps.ticketing.getRequest(ticket.key);
  await applyRequestChange(ticket.key, { status: after.status, done: after.done }, deps);
  // Also when Jira's answer changed nothing there: the card's optimistic status gives way to the request's.
  const shown = (await deps.tickets.open(job.chatId)) ?? (await deps.tickets.latest(job.chatId));
  if (shown) await refreshCard(card, shown, deps);
}

const ACTION_LABEL = { waiting: 'actionWaiting', resolve: 'actionResolve', reopen: 'actionReopen' } as const;

async function assign(key: string, userId: string, deps: JiraActionDeps): Promise<JiraAssignment> {
  let email: string | undefined;
  try {
    email = await deps.emails.email(userId);
  } catch (err) {
    // Slack refuses for good (a scope, an unknown user): the claim stands, without an e-mail to look for.
    if (refusedForGood(err)) return 'no-email';
    throw err;
  }
  if (!email) return 'no-email';
  try {
    const user = await deps.workflow.findUserByEmail(email);
    if (!user) return 'no-jira-user';
    await deps.workflow.assign(key, user.accountId);
    return 'assigned';
  } catch (err) {
    if (refusedForGood(err)) return 'failed';
    throw err;
  }
}
