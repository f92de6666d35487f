/**
 * The Jira platform API calls behind the card's buttons (developer.atlassian.com/cloud/jira/platform/rest/v3/):
 * - api-group-issues/: GET /rest/api/3/issue/{key}/transitions → {transitions: [{id, name, to: {name,
 *   statusCategory: {key}}}]}; POST …/transitions {transition: {id}} → 204 (400 for a transition the issue
 *   does not offer); PUT /rest/api/3/issue/{key}/assignee {accountId} → 204 (`null` unassigns).
 * - api-group-user-search/: GET /rest/api/3/user/search?query=<e-mail> → users; `emailAddress` may be hidden
 *   by the user's profile visibility, so an answer without it counts only when it is the one person found.
 * - api-group-myself/: GET /rest/api/3/myself → the integration account.
 * Calls go through the Jira client's caller (its error mapping, and its Retry-After wait when it is shared).
 */
import { BridgeError } from '../core/errors.js';
import type { TicketTransition, TicketWorkflow } from '../core/ticket-workflow.js';
import { createJiraCaller, type JiraCaller } from './caller.js';
import { createJiraClients } from './client.js';

interface WireUser { accountId?: string; accountType?: string; emailAddress?: string | null; displayName?: string; active?: boolean }
interface WireTransition { id?: string; name?: string; to?: { name?: string; statusCategory?: { key?: string } } }

export function createJiraWorkflow(o: { baseUrl: string; email: string; apiToken: string; timeoutMs?: number; caller?: JiraCaller }): TicketWorkflow {
  const { platform } = createJiraClients(o);
  const call = o.caller ?? createJiraCaller(o);
  const keyPath = (key: string) => encodeURIComponent(key);
  let me: Promise<string> | undefined;

  return {
    async transitions(key) {
      const r = await call('getTransitions', () => platform.issues.getTransitions<{ transitions?: WireTransition[] }>({ issueIdOrKey: keyPath(key) }));
      return (r.transitions ?? [])
        .filter((t): t is WireTransition & { id: string } => typeof t.id === 'string' && t.id !== '')
        .map((t): TicketTransition => ({ id: t.id, name: t.name ?? '', to: { name: t.to?.name ?? '', category: t.to?.statusCategory?.key ?? '' } }));
    },
    async transition(key, transitionId) {
      await call('doTransition', () => platform.issues.doTransition({ issueIdOrKey: keyPath(key), transition: { id: transitionId } }));
    },
    async findUserByEmail(email) {
      const users = await call('userSearch', () => platform.userSearch.findUsers<WireUser[]>({ query: email, maxResults: 10 }));
      // Customers are not agents: a request is assigned to a person of the team.
      const people = users.filter((u) => u.accountId && u.accountType !== 'customer' && u.accountType !== 'app' && u.active !== false);
      const exact = people.find((u) => u.emailAddress?.trim().toLowerCase() === email.trim().toLowerCase());
      const hidden = people.filter((u) => !u.emailAddress);
      const hit = exact ?? (people.length === 1 && hidden.length === 1 ? hidden[0] : undefined);
      return hit?.accountId ? { accountId: hit.accountId, ...(hit.displayName ? { displayName: hit.displayName } : {}) } : undefined;
    },
    async assign(key, accountId) {
      await call('assignIssue', () => platform.issues.assignIssue({ issueIdOrKey: keyPath(key), accountId }));
    },
    selfAccountId() {
      me ??= call('myself', () => platform.myself.getCurrentUser<WireUser>()).then((u) => {
        if (!u.accountId) throw new BridgeError('Jira myself: no accountId in the answer', { code: 'jira_bad_response', retryable: true });
        return u.accountId;
      });
      me.catch(() => (me = undefined));
      return me;
    },
  };
}
