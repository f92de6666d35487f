/**
 * Jira Service Management Cloud, as the relay needs it, over jira.js 5 (`ServiceDeskClient`; Node 20).
 *
 * References (developer.atlassian.com/cloud/jira/service-desk/rest/...):
 * - api-group-request/: POST /rest/servicedeskapi/request {serviceDeskId, requestTypeId, requestFieldValues,
 *   raiseOnBehalfOf (an accountId, not an e-mail: jira.atlassian.com/browse/JSDCLOUD-6061)} → CustomerRequest
 *   {issueId, issueKey, currentStatus {status, statusCategory NEW|INDETERMINATE|DONE|UNDEFINED}, _links.web};
 *   GET /request/{key}; GET /request/{key}/sla (paged SlaInformation: ongoingCycle {breached, paused,
 *   remainingTime {millis, friendly}}, completedCycles [{breached, …}]); GET /request?serviceDeskId=&requestTypeId=
 *   &requestOwnership=&requestStatus= (paged CustomerRequest with createdDate and requestFieldValues, most recently
 *   active first; served by the search index, so a new request shows up with a delay); POST /request/{key}/comment {body, public};
 *   GET /request/{key}/comment?public=&internal=&start=&limit= (paged Comment {id, body, public, author {accountId},
 *   created {epochMillis, iso8601}}, oldest first).
 * - api-group-customer/: POST /rest/servicedeskapi/customer {email, displayName} (Jira admin only);
 *   `strictConflictStatusCode=true` turns the duplicate-e-mail 400 into a 409.
 * - api-group-servicedesk/: GET /servicedesk/{id}/customer?query= (experimental: jira.js sends
 *   X-ExperimentalApi: opt-in), POST /servicedesk/{id}/customer {accountIds} (204, also when already a customer).
 * - Platform: /rest/api/3/user/search?query= finds an account that exists on the site but not on this desk.
 * - Errors: servicedeskapi answers {errorMessage, i18nErrorMessage}; the platform API {errorMessages, errors}.
 * - developer.atlassian.com/cloud/jira/platform/rate-limiting/: 429 (and some 503s) carry Retry-After in seconds;
 *   a request sent again inside that window fails again with the same or a longer Retry-After.
 */
import { ServiceDeskClient, Version3Client } from 'jira.js';
import { BridgeError } from '../core/errors.js';
import { createJiraCaller, type JiraCaller } from './caller.js';

export { parseRetryAfter, toJiraBridgeError } from './client-errors.js';
import type { SlaState, TicketRef, Ticketing } from '../core/ports.js';
import type { Logger } from '../logger.js';

export interface JiraOptions {
  /** The site, e.g. https://example.atlassian.net */
  baseUrl: string;
  email: string;
  apiToken: string;
  serviceDeskId: string;
  requestTypeId: string;
  /** Completes a bare local part (e.g. a phone number) into a customer e-mail: `<local>@<domain>`. */
  customerEmailDomain?: string;
  /** Per-request timeout (default 30 s). */
  fetchTimeoutMs?: number;
  logger?: Logger;
  /** Shared with the other Jira clients of the credential, so a 429's wait holds for all of them. */
  caller?: JiraCaller;
}

/** Both clients share one site and one credential; the platform one is for /rest/api/3 (myself, user search). */
export function createJiraClients(o: { baseUrl: string; email: string; apiToken: string; timeoutMs?: number }) {
  const config = {
    host: o.baseUrl.replace(/\/+$/, ''),
    authentication: { basic: { email: o.email, apiToken: o.apiToken } },
    baseRequestConfig: { timeout: o.timeoutMs ?? 30_000 },
  };
  return { sd: new ServiceDeskClient(config), platform: new Version3Client(config) };
}

// Wire shapes: jira.js' models name the link objects `Links`, but the JSON says `_links`.
interface JiraDate { epochMillis?: number; iso8601?: string; friendly?: string }
interface JiraDuration { millis?: number; friendly?: string }
interface WireRequest {
  issueId?: string;
  issueKey?: string;
  createdDate?: JiraDate;
  requestFieldValues?: Array<{ fieldId?: string; value?: unknown }>;
  currentStatus?: { status?: string; statusCategory?: string; statusDate?: JiraDate };
  _links?: { web?: string; agent?: string };
}
interface WireCycle { breached?: boolean; paused?: boolean; remainingTime?: JiraDuration }
interface WireSla { name?: string; ongoingCycle?: WireCycle; completedCycles?: WireCycle[] }
export interface Paged<T> { values?: T[]; isLastPage?: boolean; start?: number; size?: number }
interface WireUser { accountId?: string; emailAddress?: string | null; displayName?: string }
interface WireComment { id?: string | number; body?: string; public?: boolean; author?: WireUser; created?: JiraDate }

/**
 * Walks a paged servicedeskapi listing (`start`, `isLastPage`) for at most `maxPages` pages, handing each
 * page's values to `visit` until it returns true. Says how the walk ended.
 */
async function eachPage<T>(maxPages: number, fetch: (start: number) => Promise<Paged<T>>, visit: (values: T[]) => boolean): Promise<'found' | 'end' | 'limit'> {
  for (let start = 0, pages = 0; pages < maxPages; pages++) {
    const page = await fetch(start);
    const values = page.values ?? [];
    if (visit(values)) return 'found';
    if (page.isLastPage !== false || values.length === 0) return 'end';
    start += values.length;
  }
  return 'limit';
}

const MAX_SLA_PAGES = 10;
/** Requests are listed most recently active first: one just raised is on the first pages. */
const MAX_REQUEST_PAGES = 4;
const epochOf = (d: JiraDate | undefined) => d?.epochMillis ?? Date.parse(d?.iso8601 ?? '');
/** Comments are read oldest first: a request with more than this many pages is not searched to its end. */
const MAX_COMMENT_PAGES = 100;
/** Jira keeps the body as sent; line endings and surrounding blanks are all it may change. */
const sameBody = (a: string | undefined, b: string) => typeof a === 'string' && a.replace(/\r\n?/g, '\n').trim() === b.replace(/\r\n?/g, '\n').trim();

export function toTicketRef(r: WireRequest, baseUrl: string): TicketRef {
  const key = r.issueKey ?? '';
  return {
    key,
    id: r.issueId ?? '',
    status: r.currentStatus?.status ?? 'unknown',
    done: r.currentStatus?.statusCategory === 'DONE',
    url: r._links?.web ?? `${baseUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}`,
  };
}

export function toSlaState(s: WireSla): SlaState {
  const name = s.name ?? 'SLA';
  const on = s.ongoingCycle;
  if (on) {
    const paused = on.paused === true;
    return {
      name,
      breached: on.breached === true,
      paused,
      completed: false,
      // A paused clock is not running: its remaining time is shown, not counted down.
      ...(!paused && typeof on.remainingTime?.millis === 'number' ? { remainingMs: on.remainingTime.millis } : {}),
      ...(on.remainingTime?.friendly ? { remainingFriendly: on.remainingTime.friendly } : {}),
    };
  }
  const last = s.completedCycles?.at(-1);
  return { name, breached: last?.breached === true, paused: false, completed: last !== undefined };
}

const sameEmail = (a: string | null | undefined, b: string) => typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();

export function createJiraTicketing(opts: JiraOptions): Ticketing {
  const { sd, platform } = createJiraClients({ baseUrl: opts.baseUrl, email: opts.email, apiToken: opts.apiToken, timeoutMs: opts.fetchTimeoutMs });
  const log = opts.logger?.child({ component: 'jira' });
  const serviceDeskId = opts.serviceDeskId;
  // The request key goes into the URL path unescaped by jira.js.
  const keyPath = (key: string) => encodeURIComponent(key);
  const known = new Map<string, string>(); // e-mail → accountId, so a busy contact costs one lookup
  let customersRefused = false;

  const call: JiraCaller = opts.caller ?? createJiraCaller(opts);

  let me: Promise<string> | undefined;
  /** The integration account's id (GET /rest/api/3/myself), to recognise its own comments. */
  function myAccountId(): Promise<string> {
    me ??= call('myself', () => platform.myself.getCurrentUser<WireUser>()).then((u) => {
      if (!u.accountId) throw new BridgeError('Jira myself: no accountId in the answer', { code: 'jira_bad_response', retryable: true });
      return u.accountId;
    });
    me.catch(() => (me = undefined));
    return me;
  }

  function refused(why: string): undefined {
    if (!customersRefused) {
      customersRefused = true;
      log?.warn({ why }, 'Jira will not manage customers for this account (it needs Jira admin rights): requests are raised as the integration account');
    }
    return undefined;
  }

  function customerEmail(raw: string): string | undefined {
    const email = raw.trim();
    if (email.includes('@')) return email;
    return opts.customerEmailDomain && email ? `${email}@${opts.customerEmailDomain.replace(/^@/, '')}` : undefined;
  }

  /** An account with this e-mail exists: first among this desk's customers, then site-wide. */
  async function findAccountId(email: string): Promise<string | undefined> {
    try {
      const page = await call('getCustomers', () => sd.serviceDesk.getCustomers<Paged<WireUser>>({ serviceDeskId, query: email, limit: 50 }));
      const hit = page.values?.find((u) => sameEmail(u.emailAddress, email));
      if (hit?.accountId) return hit.accountId;
    } catch (err) {
      if (!(err instanceof BridgeError) || err.retryable) throw err;
    }
    const users = await call('userSearch', () => platform.userSearch.findUsers<WireUser[]>({ query: email, maxResults: 50 }));
    return users.find((u) => sameEmail(u.emailAddress, email))?.accountId;
  }

  async function createCustomer(email: string, displayName: string): Promise<string | undefined> {
    try {
      // jira.js 5 has no strictConflictStatusCode parameter: send the documented query flag ourselves.
      const user = await call('createCustomer', () =>
        sd.sendRequest<WireUser>(
          { url: '/rest/servicedeskapi/customer', method: 'POST', params: { strictConflictStatusCode: true }, data: { email, displayName } },
          undefined as never,
        ),
      );
      return user.accountId;
    } catch (err) {
      if (!(err instanceof BridgeError)) throw err;
      const duplicate = err.code === 'jira_conflict' || (err.code === 'jira_bad_request' && /already|exist|in use/i.test(err.message));
      if (duplicate) return findAccountId(email);
      throw err;
    }
  }

  return {
    async customerFor(contact) {
      const email = customerEmail(contact.email);
      if (!email || customersRefused) return undefined;
      const cached = known.get(email.toLowerCase());
      if (cached) return cached;
      let accountId: string | undefined;
      try {
        accountId = await createCustomer(email, contact.displayName.trim() || email);
        if (!accountId) {
          log?.warn('Jira knows the customer’s e-mail but did not reveal the account: raising the request as the integration account');
          return undefined;
        }
        await call('addCustomers', () => sd.serviceDesk.addCustomers({ serviceDeskId, accountIds: [accountId!] }));
      } catch (err) {
        if (err instanceof BridgeError && (err.code === 'jira_unauthorized' || err.code === 'jira_forbidden')) return refused(err.code);
        // "Already a customer" is a 204 by the docs; tolerate the older 400 wording too.
        if (!(err instanceof BridgeError && accountId && err.code === 'jira_bad_request' && /already/i.test(err.message))) throw err;
      }
      if (known.size >= 1000) known.clear();
      known.set(email.toLowerCase(), accountId);
      return accountId;
    },

    async createRequest(input) {
      const created = await call('createRequest', () =>
        sd.request.createCustomerRequest<WireRequest>({
          serviceDeskId,
          requestTypeId: opts.requestTypeId,
          requestFieldValues: { summary: input.summary, description: input.description },
          ...(input.onBehalfOf ? { raiseOnBehalfOf: input.onBehalfOf } : {}),
        }),
      );
      return toTicketRef(created, opts.baseUrl);
    },

    async getRequest(key) {
      return toTicketRef(await call('getRequest', () => sd.request.getCustomerRequestByIdOrKey<WireRequest>({ issueIdOrKey: keyPath(key) })), opts.baseUrl);
    },

    async getSla(key) {
      const out: SlaState[] = [];
      await eachPage(MAX_SLA_PAGES, (start) => call('getSla', () => sd.request.getSlaInformation<Paged<WireSla>>({ issueIdOrKey: keyPath(key), start, limit: 50 })), (values) => {
        out.push(...values.map(toSlaState));
        return false;
      });
      return out;
    },

    async addComment(key, body, isPublic) {
      const c = await call('addComment', () => sd.request.createRequestComment<WireComment>({ issueIdOrKey: keyPath(key), body, public: isPublic }));
      return { id: String(c.id ?? '') };
    },

    async findRequests(q) {
      const out: TicketRef[] = [];
      try {
        const summary = (r: WireRequest) => r.requestFieldValues?.find((f) => f.fieldId === 'summary')?.value;
        const fetchPage = (start: number) =>
          call('getRequests', () =>
            // jira.js 5 does not know requestOwnership: an agent sees requests raised on behalf of customers only with ALL_REQUESTS.
            sd.sendRequest<Paged<WireRequest>>(
              { url: '/rest/servicedeskapi/request', method: 'GET', params: { serviceDeskId, requestTypeId: opts.requestTypeId, requestOwnership: 'ALL_REQUESTS', requestStatus: 'ALL_REQUESTS', start, limit: 50 } },
              undefined as never,
            ),
          );
        await eachPage(MAX_REQUEST_PAGES, fetchPage, (values) => {
          out.push(...values.filter((r) => summary(r) === q.summary && epochOf(r.createdDate) >= q.since).map((r) => toTicketRef(r, opts.baseUrl)));
          return false;
        });
      } catch (err) {
        // A listing Jira refuses (a permission, a retired parameter) must not stop requests being raised: as before look-ups.
        if (!(err instanceof BridgeError) || err.retryable) throw err;
        log?.warn({ code: err.code }, 'Jira would not list requests; a request whose first creation was not confirmed is raised again');
      }
      return out;
    },

    async findComment(key, q) {
      const author = await myAccountId();
      let hit: WireComment | undefined;
      const fetchPage = (start: number) =>
        call('getComments', () => sd.request.getRequestComments<Paged<WireComment>>({ issueIdOrKey: keyPath(key), public: q.isPublic, internal: !q.isPublic, start, limit: 100 }));
      const walked = await eachPage(MAX_COMMENT_PAGES, fetchPage, (values) => {
        hit = values.find((c) => c.author?.accountId === author && c.public === q.isPublic && sameBody(c.body, q.body) && epochOf(c.created) >= q.since);
        return hit?.id !== undefined;
      });
      if (hit?.id !== undefined) return { id: String(hit.id) };
      if (walked === 'limit') log?.warn({ pages: MAX_COMMENT_PAGES }, 'Jira request has more comments than are searched; a comment whose first post was not confirmed is posted again');
      return undefined;
    },
  };
}
