/**
 * The fake Jira's workflow and assignment (platform API, developer.atlassian.com/cloud/jira/platform/rest/v3/
 * api-group-issues/): GET /rest/api/3/issue/{key}/transitions → {expand, transitions: [IssueTransition {id, name,
 * to: StatusDetails {name, id, statusCategory {id, key, name, colorName}}, hasScreen, isGlobal, isInitial,
 * isAvailable, isConditional, isLooped}]}; POST …/transitions {transition: {id}} → 204, or 400 `Transition id
 * 'X' is not valid for this issue.`; PUT /rest/api/3/issue/{key}/assignee {accountId | null} → 204, or 400 for
 * an account that cannot be assigned. Unknown keys are 404s (the caller checks before coming here).
 * The workflow is JSM's default one for IT support, trimmed: Waiting for support → In progress, Waiting for
 * customer, Resolved; Resolved → (Reopen issue) Waiting for support.
 */
import type { StatusCategory } from './jira.js';

export interface FakeTransition { id: string; name: string; to: string }
export interface FakeTransitionDone { id: string; name: string; from: string; to: string; at: number }

export const FAKE_STATUSES: Record<string, StatusCategory> = {
  'Waiting for support': 'NEW',
  'In progress': 'INDETERMINATE',
  'Waiting for customer': 'INDETERMINATE',
  Resolved: 'DONE',
};

const ALL: FakeTransition[] = [
  { id: '11', name: 'Start work', to: 'In progress' },
  { id: '21', name: 'Respond to customer', to: 'Waiting for customer' },
  { id: '31', name: 'Resolve this issue', to: 'Resolved' },
  { id: '41', name: 'Reopen issue', to: 'Waiting for support' },
];

const CATEGORY_JSON: Record<StatusCategory, { id: number; key: string; name: string; colorName: string }> = {
  NEW: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  INDETERMINATE: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  DONE: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
  UNDEFINED: { id: 1, key: 'undefined', name: 'No Category', colorName: 'medium-gray' },
};

/** What the request's status offers: out of a done status only Reopen, into every other status otherwise. */
export function availableTransitions(r: { status: string; statusCategory: StatusCategory }, removed: ReadonlySet<string> = new Set()): FakeTransition[] {
  const list = r.statusCategory === 'DONE' ? ALL.filter((t) => t.id === '41') : ALL.filter((t) => t.id !== '41' && t.to !== r.status);
  return list.filter((t) => !removed.has(t.id));
}

export function transitionsJson(r: { status: string; statusCategory: StatusCategory }, origin: string, removed?: ReadonlySet<string>) {
  return {
    expand: 'transitions',
    transitions: availableTransitions(r, removed).map((t, i) => {
      const category = FAKE_STATUSES[t.to] ?? 'UNDEFINED';
      return {
        id: t.id,
        name: t.name,
        to: { self: `${origin}/rest/api/3/status/${10_000 + i}`, description: '', iconUrl: `${origin}/images/icons/statuses/generic.png`, name: t.to, id: String(10_000 + i), statusCategory: { self: `${origin}/rest/api/3/statuscategory/${CATEGORY_JSON[category].id}`, ...CATEGORY_JSON[category] } },
        hasScreen: false,
        isGlobal: false,
        isInitial: false,
        isAvailable: true,
        isConditional: false,
        isLooped: false,
      };
    }),
  };
}
