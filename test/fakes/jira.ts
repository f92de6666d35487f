/**
 * A fake Jira Service Management Cloud site on 127.0.0.1 for tests: Basic auth (email + API token), Jira-shaped
 * errors, body validation, paging, and the response shapes of developer.atlassian.com/cloud/jira/service-desk/rest/:
 * - api-group-request/: create / get / list customer requests (CustomerRequest; the list most recently active first,
 *   `requestOwnership` ALL_REQUESTS or else the account's own, `requestStatus`, `serviceDeskId`, `requestTypeId`,
 *   `searchTerm` on the summary), …/sla (PagedSlaInformation), …/comment (Comment;
 *   GET: PagedComment, oldest first, `public` / `internal` filters, at most 50 a page)
 * - api-group-customer/: create customer (User; `strictConflictStatusCode=true` → 409 on a duplicate e-mail, else 400)
 * - api-group-servicedesk/: service desks, their request types and fields, customers (list is experimental:
 *   needs `X-ExperimentalApi: opt-in`), add customers (204, also for an existing customer)
 * - platform (developer.atlassian.com/cloud/jira/platform/rest/v3/): api-group-myself/, api-group-user-search/
 * Error bodies: servicedeskapi `{errorMessage, i18nErrorMessage: {i18nKey, parameters}}`; /rest/api
 * `{errorMessages: [], errors: {}}`. Documented examples are in test/fixtures/jira/ (see its README).
 * Faults like the real site's: its own rate limit (jira-limits.ts), calls that hang until released, and calls
 * that are carried out but whose answer is lost (the connection drops).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAccountLimiter, DEFAULT_RATE_LIMIT, type JiraRateLimit, type RateLimitStats } from './jira-limits.js';
import { listenLocal } from './listen.js';
import { availableTransitions, FAKE_STATUSES, transitionsJson, type FakeTransitionDone } from './jira-workflow.js';

export interface FakeRequestType { id: string; name: string; requiredFields?: string[] }
export interface FakeServiceDesk { id: string; projectKey: string; name: string; requestTypes: FakeRequestType[] }
export type StatusCategory = 'NEW' | 'INDETERMINATE' | 'DONE' | 'UNDEFINED';
/** A simple SLA; `raw` values (documented SlaInformation objects) are served as they are. */
export interface SlaSpec {
  name: string;
  ongoing?: { remainingMs: number; goalMs?: number; breached?: boolean; paused?: boolean; withinCalendarHours?: boolean };
  completed?: Array<{ breached: boolean; goalMs?: number; elapsedMs?: number }>;
}
export interface FakeComment { id: string; body: string; public: boolean; authorAccountId: string; created: number }
export interface FakeCustomerRequest {
  issueId: string;
  key: string;
  serviceDeskId: string;
  requestTypeId: string;
  fields: Record<string, unknown>;
  raiseOnBehalfOf?: string;
  reporterAccountId: string;
  comments: FakeComment[];
  status: string;
  statusCategory: StatusCategory;
  created: number;
  slas: Array<SlaSpec | Record<string, unknown>>;
  /** The assignee's account id (platform API), null when unassigned. */
  assignee: string | null;
  /** Transitions carried out (POST …/transitions), oldest first. */
  transitionsDone: FakeTransitionDone[];
}
/** A team member (an agent): assignable, found by user search with accountType `atlassian`. */
export interface FakeAgent { accountId: string; email: string; displayName: string }
export interface FakeCustomer { accountId: string; email: string; displayName: string; serviceDeskIds: Set<string> }
export interface JiraCall {
  method: string; path: string; op: JiraOp; status: number; body: unknown; authorized: boolean; query: Record<string, string>;
  /** When it arrived (epoch ms). */
  at: number;
  /** Carried out, but the connection was dropped instead of answering (failAfter). */
  dropped?: boolean;
}
export interface JiraFailSpec { status: number; retryAfter?: number | string; count?: number; body?: unknown }
export type JiraOp =
  | 'createRequest' | 'listRequests' | 'getRequest' | 'getSla' | 'addComment' | 'getComments' | 'createCustomer' | 'addCustomers' | 'getCustomers'
  | 'listServiceDesks' | 'getServiceDesk' | 'listRequestTypes' | 'getRequestType' | 'getRequestTypeFields'
  | 'myself' | 'userSearch' | 'getTransitions' | 'doTransition' | 'assignIssue' | 'unknown';

export interface FakeJira {
  url: string;
  close(): Promise<void>;
  requests: Map<string, FakeCustomerRequest>;
  customers: Map<string, FakeCustomer>;
  calls: JiraCall[];
  /** The integration account (what GET /rest/api/3/myself answers). */
  accountId: string;
  failNext(pathPrefixOrOp: JiraOp | string, spec: JiraFailSpec): void;
  /** The next `count` matching calls are carried out, then the connection drops without an answer. */
  failAfter(pathPrefixOrOp: JiraOp | string, count?: number): void;
  /** The next `count` matching calls get no answer (and do nothing) until release(). */
  hang(pathPrefixOrOp: JiraOp | string, count?: number): void;
  /** Lets the hung calls go on: they are carried out and answered (if their client still listens). */
  release(): void;
  /** Calls hanging now. */
  readonly hanging: number;
  /** What the fake's own rate limit did. */
  rateLimit: RateLimitStats;
  setStatus(key: string, status: string, category: StatusCategory): void;
  setSla(key: string, slas: Array<SlaSpec | Record<string, unknown>>): void;
  addCustomer(email: string, displayName: string, serviceDeskIds?: string[]): string;
  agents: Map<string, FakeAgent>;
  /** A team member; answers their account id (24 hex digits, like the documented 5b10ac8d82e05b22cc7d4ef5). */
  addAgent(email: string, displayName: string): string;
  /** Takes a transition out of the workflow (by id), as a workflow condition would. */
  disableTransition(id: string): void;
  /** The request is gone, as after jira:issue_deleted: every call on it answers 404. */
  deleteRequest(key: string): void;
  /** Every request answers this status (with Retry-After: 2) until set back to undefined. */
  mode: '429' | '503' | undefined;
}

const HOUR = 3_600_000;
const SD_ERRORS: Record<number, string> = {
  400: 'Bad request', 401: 'You are not authenticated. Authentication required to perform this operation.', 403: 'You do not have permission to perform this operation.',
  404: 'The requested resource does not exist.', 429: 'Rate limit exceeded.', 500: 'Internal server error', 503: 'Service unavailable',
};

export function friendlyDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const mins = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  return `${sign}${h ? `${h}h` : ''}${h && m ? ' ' : ''}${m || !h ? `${m}m` : ''}`;
}
const duration = (ms: number) => ({ millis: ms, friendly: friendlyDuration(ms) });
/** DateDTO: iso8601 without and `jira` with milliseconds, e.g. 2016-09-28T23:08:32+0000 / …32.097+0000. */
const date = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return { iso8601: iso.replace(/\.\d{3}Z$/, '+0000'), jira: iso.replace('Z', '+0000'), friendly: new Date(ms).toUTCString().slice(5, 22), epochMillis: ms };
};

export async function createFakeJira(opts: {
  email: string;
  apiToken: string;
  serviceDesks: FakeServiceDesk[];
  customersPermitted?: boolean;
  /** A token bucket per account; false turns it off. */
  rateLimit?: JiraRateLimit | false;
  /** The request listing is served by a search index: a new request shows up in it this much later. */
  indexLagMs?: number;
}): Promise<FakeJira> {
  const failures: Array<{ target: string; spec: JiraFailSpec; left: number }> = [];
  const drops: Array<{ target: string; left: number }> = [];
  const hangs: Array<{ target: string; left: number }> = [];
  const held: Array<() => void> = [];
  const limiter = createAccountLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  const state = { requests: new Map<string, FakeCustomerRequest>(), customers: new Map<string, FakeCustomer>(), agents: new Map<string, FakeAgent>(), calls: [] as JiraCall[] };
  const disabled = new Set<string>();
  const me = { accountId: randomBytes(12).toString('hex'), displayName: 'Switchboard Integration' };
  const counters = new Map<string, number>();
  let issueSeq = 10_000;
  let commentSeq = 20_000;
  let origin = '';
  let mode: FakeJira['mode'];

  const desk = (id: string | undefined) => opts.serviceDesks.find((d) => d.id === id || d.projectKey === id);
  const customerByEmail = (email: string) => [...state.customers.values()].find((c) => c.email.toLowerCase() === email.toLowerCase());
  const self = (path: string) => `${origin}${path}`;
  const userJson = (accountId: string) => {
    const c = state.customers.get(accountId);
    const u = c ? { accountId, emailAddress: c.email, displayName: c.displayName } : { accountId, emailAddress: opts.email, displayName: me.displayName };
    return { ...u, active: true, timeZone: 'Etc/UTC', _links: { jiraRest: self(`/rest/api/2/user?accountId=${accountId}`), avatarUrls: {}, self: self(`/rest/api/2/user?accountId=${accountId}`) } };
  };
  const paged = <T>(all: T[], q: Record<string, string>, path: string, max = 50) => {
    const start = Math.max(0, Number(q.start ?? 0) || 0);
    const limit = Math.min(max, Math.max(1, Number(q.limit ?? max) || max));
    const values = all.slice(start, start + limit);
    return { _expands: [], size: values.length, start, limit, isLastPage: start + values.length >= all.length, _links: { base: origin, context: '', self: self(path) }, values };
  };

  function slaJson(s: SlaSpec | Record<string, unknown>, i: number, created: number) {
    if ('completedCycles' in s) return s; // a documented SlaInformation object, served as it is
    const spec = s as SlaSpec;
    const ongoing = spec.ongoing && (() => {
      const goal = spec.ongoing.goalMs ?? 4 * HOUR;
      return {
        startTime: date(created), breachTime: date(created + goal), breached: spec.ongoing.breached ?? spec.ongoing.remainingMs < 0, paused: spec.ongoing.paused ?? false,
        withinCalendarHours: spec.ongoing.withinCalendarHours ?? false, goalDuration: duration(goal), elapsedTime: duration(goal - spec.ongoing.remainingMs), remainingTime: duration(spec.ongoing.remainingMs),
      };
    })();
    const completedCycles = (spec.completed ?? []).map((c) => {
      const goal = c.goalMs ?? 4 * HOUR;
      const elapsed = c.elapsedMs ?? (c.breached ? goal + HOUR : goal / 2);
      return { startTime: date(created), stopTime: date(created + elapsed), breachTime: date(created + goal), breached: c.breached, goalDuration: duration(goal), elapsedTime: duration(elapsed), remainingTime: duration(goal - elapsed) };
    });
    return { id: String(i + 1), name: spec.name, _links: { self: self(`/rest/servicedeskapi/request/x/sla/${i + 1}`) }, completedCycles, ...(ongoing ? { ongoingCycle: ongoing } : {}) };
  }

  function requestJson(r: FakeCustomerRequest) {
    return {
      _expands: ['participant', 'status', 'sla', 'requestType', 'serviceDesk', 'attachment', 'action', 'comment'],
      issueId: r.issueId, issueKey: r.key, requestTypeId: r.requestTypeId, serviceDeskId: r.serviceDeskId, createdDate: date(r.created),
      reporter: userJson(r.reporterAccountId),
      requestFieldValues: Object.entries(r.fields).map(([fieldId, value]) => ({ fieldId, label: fieldId[0]!.toUpperCase() + fieldId.slice(1), value })),
      currentStatus: { status: r.status, statusCategory: r.statusCategory, statusDate: date(r.created) },
      _links: { jiraRest: self(`/rest/api/2/issue/${r.issueId}`), web: self(`/servicedesk/customer/portal/${r.serviceDeskId}/${r.key}`), agent: self(`/browse/${r.key}`), self: self(`/rest/servicedeskapi/request/${r.issueId}`) },
    };
  }

  function commentJson(r: FakeCustomerRequest, c: FakeComment) {
    return { _expands: ['attachment', 'renderedBody'], id: c.id, body: c.body, public: c.public, author: userJson(c.authorAccountId), created: date(c.created), _links: { self: self(`/rest/servicedeskapi/request/${r.issueId}/comment/${c.id}`) } };
  }

  function classify(method: string, p: string[]): JiraOp {
    const [a, b, c, d, e, f, g] = p;
    if (a !== 'rest') return 'unknown';
    if (b === 'api' && c === '3') {
      if (d === 'issue' && e && f === 'transitions' && !g) return method === 'GET' ? 'getTransitions' : method === 'POST' ? 'doTransition' : 'unknown';
      if (d === 'issue' && e && f === 'assignee' && !g) return method === 'PUT' ? 'assignIssue' : 'unknown';
      return d === 'myself' && method === 'GET' ? 'myself' : d === 'user' && e === 'search' && method === 'GET' ? 'userSearch' : 'unknown';
    }
    if (b !== 'servicedeskapi') return 'unknown';
    if (c === 'request') {
      if (!d) return method === 'POST' ? 'createRequest' : method === 'GET' ? 'listRequests' : 'unknown';
      if (!e) return method === 'GET' ? 'getRequest' : 'unknown';
      if (e === 'sla' && !f && method === 'GET') return 'getSla';
      if (e === 'comment' && !f) return method === 'POST' ? 'addComment' : method === 'GET' ? 'getComments' : 'unknown';
      return 'unknown';
    }
    if (c === 'customer' && !d) return method === 'POST' ? 'createCustomer' : 'unknown';
    if (c !== 'servicedesk') return 'unknown';
    if (!d) return method === 'GET' ? 'listServiceDesks' : 'unknown';
    if (!e) return method === 'GET' ? 'getServiceDesk' : 'unknown';
    if (e === 'customer' && !f) return method === 'GET' ? 'getCustomers' : method === 'POST' ? 'addCustomers' : 'unknown';
    if (e === 'requesttype' && method === 'GET') return !f ? 'listRequestTypes' : !g ? 'getRequestType' : g === 'field' && p.length === 7 ? 'getRequestTypeFields' : 'unknown';
    return 'unknown';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const op = classify(method, parts);
    const query = Object.fromEntries(url.searchParams);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const authorized = basic === Buffer.from(`${opts.email}:${opts.apiToken}`).toString('base64');
    const call: JiraCall = { method, path: url.pathname, op, status: 0, body, authorized, query, at: Date.now() };
    state.calls.push(call);
    const platform = parts[1] === 'api';
    const matches = (target: string) => target === op || url.pathname.startsWith(target);
    const take = (list: Array<{ target: string; left: number }>) => {
      const i = list.findIndex((x) => matches(x.target));
      if (i < 0) return false;
      if (--list[i]!.left <= 0) list.splice(i, 1);
      return true;
    };
    let limitHeaders: Record<string, string> = {};
    let dropAnswer = false;

    const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      if (dropAnswer) {
        call.dropped = true;
        return void req.socket.destroy();
      }
      res.writeHead(status, { ...limitHeaders, ...(json === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' }), ...headers });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const fail = (status: number, message = SD_ERRORS[status] ?? `HTTP ${status}`, headers: Record<string, string> = {}) =>
      send(status, platform ? { errorMessages: [message], errors: {} } : { errorMessage: message, i18nErrorMessage: { i18nKey: `sd.fake.error.${status}`, parameters: [] } }, headers);

    if (!authorized) return fail(401, SD_ERRORS[401], { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED', 'www-authenticate': 'Basic realm="protected-area"' });
    const admission = limiter.admit(opts.email);
    if (admission.limited) return fail(429, undefined, admission.headers);
    limitHeaders = admission.headers;
    if (mode) return fail(Number(mode), undefined, { 'retry-after': '2' });
    const fi = failures.findIndex((f) => matches(f.target));
    const failure = failures[fi];
    if (failure) {
      if (--failure.left <= 0) failures.splice(fi, 1);
      const headers: Record<string, string> = failure.spec.retryAfter !== undefined ? { 'retry-after': String(failure.spec.retryAfter) } : {};
      return failure.spec.body !== undefined ? send(failure.spec.status, failure.spec.body, headers) : fail(failure.spec.status, undefined, headers);
    }
    if (take(hangs)) await new Promise<void>((resolve) => held.push(resolve));
    dropAnswer = take(drops);

    const [, , , id, , subId] = parts;
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const findRequest = (k: string | undefined) => [...state.requests.values()].find((r) => r.key === k || r.issueId === k);
    switch (op) {
      case 'myself':
        return send(200, { self: self(`/rest/api/3/user?accountId=${me.accountId}`), accountId: me.accountId, accountType: 'atlassian', emailAddress: opts.email, displayName: me.displayName, active: true, timeZone: 'Etc/UTC', locale: 'en_US' });
      case 'userSearch': {
        const q = (query.query ?? '').toLowerCase();
        const people = [...[...state.customers.values()].map((c) => ({ ...c, accountType: 'customer' })), ...[...state.agents.values()].map((a) => ({ ...a, accountType: 'atlassian' }))];
        return send(200, people.filter((c) => q && (c.email.toLowerCase().includes(q) || c.displayName.toLowerCase().includes(q))).map((c) => ({ accountId: c.accountId, accountType: c.accountType, emailAddress: c.email, displayName: c.displayName, active: true })));
      }
      case 'getTransitions':
      case 'doTransition':
      case 'assignIssue': {
        const r = findRequest(parts[4]);
        if (!r) return fail(404, 'Issue does not exist or you do not have permission to see it.');
        if (op === 'getTransitions') return send(200, transitionsJson(r, origin, disabled));
        if (op === 'assignIssue') {
          if (!('accountId' in b)) return fail(400, 'accountId is required: pass null to unassign.');
          if (b.accountId !== null && !state.agents.has(String(b.accountId))) return fail(400, `User '${String(b.accountId)}' cannot be assigned issues.`);
          r.assignee = b.accountId === null ? null : String(b.accountId);
          return send(204);
        }
        const id = typeof b.transition === 'object' && b.transition !== null ? (b.transition as { id?: unknown }).id : undefined;
        const t = availableTransitions(r, disabled).find((x) => x.id === String(id));
        if (!t) return fail(400, `Transition id '${String(id)}' is not valid for this issue.`);
        r.transitionsDone.push({ id: t.id, name: t.name, from: r.status, to: t.to, at: Date.now() });
        Object.assign(r, { status: t.to, statusCategory: FAKE_STATUSES[t.to] ?? 'UNDEFINED' });
        return send(204);
      }
      case 'listServiceDesks':
        return send(200, paged(opts.serviceDesks.map((d) => ({ id: d.id, projectId: String(10_000 + Number(d.id)), projectName: d.name, projectKey: d.projectKey, _links: { self: self(`/rest/servicedeskapi/servicedesk/${d.id}`) } })), query, url.pathname, 100));
      case 'getServiceDesk': {
        const d = desk(id);
        return d ? send(200, { id: d.id, projectId: String(10_000 + Number(d.id)), projectName: d.name, projectKey: d.projectKey, _links: { self: self(url.pathname) } }) : fail(404, 'The service project does not exist or you do not have permission to access it.');
      }
      case 'listRequestTypes':
      case 'getRequestType':
      case 'getRequestTypeFields': {
        const d = desk(id);
        if (!d) return fail(404, 'The service project does not exist or you do not have permission to access it.');
        const rtJson = (t: FakeRequestType) => ({ id: t.id, _links: { self: self(`/rest/servicedeskapi/servicedesk/${d.id}/requesttype/${t.id}`) }, name: t.name, description: '', helpText: '', issueTypeId: '10001', serviceDeskId: d.id, portalId: d.id, groupIds: ['1'], icon: { id: '10500', _links: { iconUrls: {} } } });
        if (op === 'listRequestTypes') return send(200, paged(d.requestTypes.map(rtJson), query, url.pathname, 100));
        const t = d.requestTypes.find((x) => x.id === subId);
        if (!t) return fail(404, 'The request type does not exist or you do not have permission to access it.');
        if (op === 'getRequestType') return send(200, rtJson(t));
        const field = (fieldId: string, required: boolean) => ({ fieldId, name: fieldId[0]!.toUpperCase() + fieldId.slice(1), description: '', required, defaultValues: [], validValues: [], presetValues: [], jiraSchema: { type: 'string', system: fieldId }, visible: true });
        return send(200, { requestTypeFields: [field('summary', true), field('description', false), ...(t.requiredFields ?? []).map((f) => field(f, true))], canRaiseOnBehalfOf: true, canAddRequestParticipants: true });
      }
      case 'createRequest': {
        const d = desk(typeof b.serviceDeskId === 'string' ? b.serviceDeskId : undefined);
        if (!d) return fail(400, `The service project with id ${String(b.serviceDeskId)} does not exist or you do not have permission to access it.`);
        const t = d.requestTypes.find((x) => x.id === b.requestTypeId);
        if (!t) return fail(400, `The request type with id ${String(b.requestTypeId)} does not exist in this service project.`);
        const fields = (typeof b.requestFieldValues === 'object' && b.requestFieldValues !== null ? b.requestFieldValues : {}) as Record<string, unknown>;
        const missing = ['summary', ...(t.requiredFields ?? [])].filter((f) => typeof fields[f] !== 'string' || !(fields[f] as string).trim());
        if (missing.length) return send(400, { errorMessage: `Your request could not be created. Please check the fields have been correctly filled in. ${missing.map((f) => `${f[0]!.toUpperCase()}${f.slice(1)} is required.`).join(' ')}`, i18nErrorMessage: { i18nKey: 'sd.validation.request.create.error', parameters: missing } });
        if (b.raiseOnBehalfOf !== undefined) {
          const c = state.customers.get(String(b.raiseOnBehalfOf));
          if (!c) return fail(400, `The user "${String(b.raiseOnBehalfOf)}" does not exist.`);
          if (!c.serviceDeskIds.has(d.id)) return fail(400, `The user "${String(b.raiseOnBehalfOf)}" does not have permission to raise requests in this service project.`);
        }
        const n = (counters.get(d.projectKey) ?? 0) + 1;
        counters.set(d.projectKey, n);
        const created = Date.now();
        const r: FakeCustomerRequest = {
          issueId: String(++issueSeq), key: `${d.projectKey}-${n}`, serviceDeskId: d.id, requestTypeId: t.id, fields, reporterAccountId: typeof b.raiseOnBehalfOf === 'string' ? b.raiseOnBehalfOf : me.accountId,
          ...(typeof b.raiseOnBehalfOf === 'string' ? { raiseOnBehalfOf: b.raiseOnBehalfOf } : {}), comments: [], status: 'Waiting for support', statusCategory: 'NEW', created,
          slas: [{ name: 'Time to first response', ongoing: { remainingMs: 4 * HOUR, goalMs: 4 * HOUR } }, { name: 'Time to resolution', ongoing: { remainingMs: 8 * HOUR, goalMs: 8 * HOUR } }],
          assignee: null,
          transitionsDone: [],
        };
        state.requests.set(r.key, r);
        return send(201, requestJson(r));
      }
      case 'listRequests': {
        const owned = (query.requestOwnership ?? '').split(',').includes('ALL_REQUESTS') ? () => true : (r: FakeCustomerRequest) => r.reporterAccountId === me.accountId;
        const done = (r: FakeCustomerRequest) => r.statusCategory === 'DONE';
        const status = query.requestStatus ?? 'ALL_REQUESTS';
        const term = (query.searchTerm ?? '').toLowerCase();
        const activity = (r: FakeCustomerRequest) => Math.max(r.created, ...r.comments.map((c) => c.created));
        const list = [...state.requests.values()]
          .filter((r) => r.created <= Date.now() - (opts.indexLagMs ?? 0))
          .filter((r) => owned(r) && (!query.serviceDeskId || r.serviceDeskId === query.serviceDeskId) && (!query.requestTypeId || r.requestTypeId === query.requestTypeId))
          .filter((r) => (status === 'OPEN_REQUESTS' ? !done(r) : status === 'CLOSED_REQUESTS' ? done(r) : true))
          .filter((r) => !term || String(r.fields.summary ?? '').toLowerCase().includes(term))
          .sort((x, y) => activity(y) - activity(x));
        return send(200, paged(list.map(requestJson), query, url.pathname));
      }
      case 'getRequest':
      case 'getSla':
      case 'getComments':
      case 'addComment': {
        const r = findRequest(id);
        if (!r) return fail(404, 'Request does not exist or you do not have permission to see it.');
        if (op === 'getRequest') return send(200, requestJson(r));
        if (op === 'getSla') return send(200, paged(r.slas.map((s, i) => slaJson(s, i, r.created)), query, url.pathname));
        if (op === 'getComments') {
          const visible = r.comments.filter((c) => (c.public ? query.public !== 'false' : query.internal !== 'false'));
          return send(200, paged(visible.map((c) => commentJson(r, c)), query, url.pathname));
        }
        if (typeof b.body !== 'string' || !b.body.trim()) return fail(400, 'The comment body is required.');
        if (b.public !== undefined && typeof b.public !== 'boolean') return fail(400, 'public must be true or false.');
        const c: FakeComment = { id: String(++commentSeq), body: b.body, public: b.public !== false, authorAccountId: me.accountId, created: Date.now() };
        r.comments.push(c);
        return send(201, commentJson(r, c));
      }
      case 'createCustomer': {
        if (opts.customersPermitted === false) return fail(403, 'You do not have the permission to create customers.');
        const email = typeof b.email === 'string' ? b.email.trim() : '';
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return fail(400, 'The email address is invalid.');
        if (customerByEmail(email)) return fail(query.strictConflictStatusCode === 'true' ? 409 : 400, 'An account already exists for this email.');
        const accountId = api.addCustomer(email, typeof b.displayName === 'string' && b.displayName ? b.displayName : email);
        const u = userJson(accountId);
        return send(201, { accountId, name: accountId, key: accountId, emailAddress: u.emailAddress, displayName: u.displayName, active: true, timeZone: u.timeZone, _links: u._links });
      }
      case 'getCustomers':
      case 'addCustomers': {
        const d = desk(id);
        if (!d) return fail(404, 'The service project does not exist or you do not have permission to access it.');
        if (op === 'getCustomers') {
          // Experimental endpoint: Jira wants the opt-in header (jira.js sends it).
          if (!/^(opt-in|true)$/i.test(String(req.headers['x-experimentalapi'] ?? ''))) return fail(400, 'This resource is experimental: set the X-ExperimentalApi: opt-in header.');
          const q = (query.query ?? '').toLowerCase();
          const list = [...state.customers.values()].filter((c) => c.serviceDeskIds.has(d.id) && (!q || c.email.toLowerCase().includes(q) || c.displayName.toLowerCase().includes(q)));
          return send(200, paged(list.map((c) => userJson(c.accountId)), query, url.pathname));
        }
        if (opts.customersPermitted === false) return fail(403, 'You do not have permission to manage the customers of this service project.');
        const ids = Array.isArray(b.accountIds) ? b.accountIds.map(String) : [];
        if (ids.length === 0) return fail(400, 'accountIds is required.');
        const unknown = ids.find((a) => !state.customers.has(a));
        if (unknown) return fail(400, `The user "${unknown}" does not exist.`);
        for (const a of ids) state.customers.get(a)!.serviceDeskIds.add(d.id);
        return send(204);
      }
      default:
        return fail(404, `No route for ${method} ${url.pathname}`);
    }
  }

  const server = await listenLocal(handle);
  origin = server.origin;

  const api: FakeJira = {
    ...state,
    url: origin,
    accountId: me.accountId,
    get mode() {
      return mode;
    },
    set mode(m) {
      mode = m;
    },
    close: () => server.close(),
    failNext(target, spec) {
      failures.push({ target, spec, left: spec.count ?? 1 });
    },
    failAfter(target, count = 1) {
      drops.push({ target, left: count });
    },
    hang(target, count = 1) {
      hangs.push({ target, left: count });
    },
    release() {
      for (const go of held.splice(0)) go();
    },
    get hanging() {
      return held.length;
    },
    rateLimit: limiter.stats,
    setStatus(key, status, category) {
      const r = state.requests.get(key);
      if (!r) throw new Error(`no request ${key}`);
      Object.assign(r, { status, statusCategory: category });
    },
    setSla(key, slas) {
      const r = state.requests.get(key);
      if (!r) throw new Error(`no request ${key}`);
      r.slas = slas;
    },
    addAgent(email, displayName) {
      const accountId = randomBytes(12).toString('hex');
      state.agents.set(accountId, { accountId, email, displayName });
      return accountId;
    },
    disableTransition(id) {
      disabled.add(id);
    },
    deleteRequest(key) {
      if (!state.requests.delete(key)) throw new Error(`no request ${key}`);
    },
    addCustomer(email, displayName, serviceDeskIds = []) {
      // Customer account ids look like the documented example: qm:<uuid>:<hex>.
      const accountId = `qm:${randomUUID()}:${randomBytes(12).toString('hex').slice(0, 23)}`;
      state.customers.set(accountId, { accountId, email, displayName, serviceDeskIds: new Set(serviceDeskIds) });
      return accountId;
    },
  };
  return api;
}
