import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFakeJira, type FakeJira } from '../../test/fakes/jira.js';
import { BridgeError } from '../core/errors.js';
import type { Ticketing } from '../core/ports.js';
import { createLogger } from '../logger.js';
import { createJiraTicketing, parseRetryAfter, toTicketRef, type JiraOptions } from './client.js';

const EMAIL = 'integration@example.com';
const TOKEN = 'ATATT3xFfGF0-test-token-value';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../test/fixtures/jira/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

let jira: FakeJira;
let ticketing: Ticketing;
const desks = [
  { id: '1', projectKey: 'SUP', name: 'Support', requestTypes: [{ id: '10', name: 'WhatsApp conversation' }, { id: '11', name: 'Get IT help' }] },
  { id: '2', projectKey: 'IT', name: 'IT Help', requestTypes: [{ id: '20', name: 'Laptop' }] },
];
const options = (o: Partial<JiraOptions> = {}): JiraOptions => ({ baseUrl: jira.url, email: EMAIL, apiToken: TOKEN, serviceDeskId: '1', requestTypeId: '10', ...o });

beforeAll(async () => {
  jira = await createFakeJira({ email: EMAIL, apiToken: TOKEN, serviceDesks: desks });
  ticketing = createJiraTicketing(options());
});
afterAll(() => jira.close());
afterEach(() => {
  jira.mode = undefined;
});

async function failure(p: Promise<unknown>): Promise<BridgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BridgeError);
  const e = err as BridgeError;
  // Neither the token nor the Basic credential may leak, not even through a cause.
  const basic = Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64');
  for (const text of [e.message, JSON.stringify(e), String(e.cause ?? '')]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(basic);
  }
  return e;
}

function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('warn', stream), lines };
}

describe('requests', () => {
  it('raises a request as the integration account and maps the documented response', async () => {
    const ref = await ticketing.createRequest({ summary: 'WhatsApp: Maria Silva', description: 'Conversation from +55 11 …8888' });
    expect(ref).toMatchObject({ key: expect.stringMatching(/^SUP-\d+$/), id: expect.stringMatching(/^\d+$/), status: 'Waiting for support', done: false });
    expect(ref.url).toBe(`${jira.url}/servicedesk/customer/portal/1/${ref.key}`);
    const stored = jira.requests.get(ref.key)!;
    expect(stored.fields).toEqual({ summary: 'WhatsApp: Maria Silva', description: 'Conversation from +55 11 …8888' });
    expect(stored.raiseOnBehalfOf).toBeUndefined();
    expect(stored.reporterAccountId).toBe(jira.accountId);
    const call = jira.calls.findLast((c) => c.op === 'createRequest')!;
    expect(call.authorized).toBe(true);
    expect(call.body).toEqual({ serviceDeskId: '1', requestTypeId: '10', requestFieldValues: { summary: 'WhatsApp: Maria Silva', description: 'Conversation from +55 11 …8888' } });
  });

  it('raises a request on behalf of a customer', async () => {
    const accountId = await ticketing.customerFor({ email: 'maria@example.com', displayName: 'Maria Silva' });
    expect(accountId).toMatch(/^qm:/);
    const ref = await ticketing.createRequest({ summary: 's', description: 'd', onBehalfOf: accountId });
    expect(jira.requests.get(ref.key)).toMatchObject({ raiseOnBehalfOf: accountId, reporterAccountId: accountId });
  });

  it('reads a request back and sees when it is done', async () => {
    const { key } = await ticketing.createRequest({ summary: 's', description: 'd' });
    jira.setStatus(key, 'In progress', 'INDETERMINATE');
    expect(await ticketing.getRequest(key)).toMatchObject({ key, status: 'In progress', done: false });
    jira.setStatus(key, 'Resolved', 'DONE');
    expect(await ticketing.getRequest(key)).toMatchObject({ key, status: 'Resolved', done: true });
  });

  it('maps the documented CustomerRequest example', () => {
    expect(toTicketRef(fixture('customer-request.json'), 'https://your-domain.atlassian.net')).toEqual({
      key: 'HELPDESK-1',
      id: '107001',
      status: 'Waiting for Support',
      done: false,
      url: 'https://your-domain.atlassian.net/servicedesk/customer/portal/10/HELPDESK-1',
    });
  });

  it('adds public and internal comments', async () => {
    const { key } = await ticketing.createRequest({ summary: 's', description: 'd' });
    await ticketing.addComment(key, 'Olá! We are on it.', true);
    await ticketing.addComment(key, 'agent-only note', false);
    expect(jira.requests.get(key)!.comments.map((c) => [c.body, c.public])).toEqual([
      ['Olá! We are on it.', true],
      ['agent-only note', false],
    ]);
    expect(jira.calls.findLast((c) => c.op === 'addComment')!.body).toEqual({ body: 'agent-only note', public: false });
  });

  it('answers the new comment’s id', async () => {
    const { key } = await ticketing.createRequest({ summary: 's', description: 'd' });
    const { id } = await ticketing.addComment(key, 'hello', true);
    expect(jira.requests.get(key)!.comments.map((c) => c.id)).toEqual([id]);
  });
});

describe('finding a request again', () => {
  it('finds requests of the configured type raised since a time with exactly this summary, on behalf of customers too', async () => {
    const since = Date.now() - 1;
    const summary = `WhatsApp · Maria (${since})`;
    const customer = await ticketing.customerFor({ email: `maria-${since}@example.com`, displayName: 'Maria' });
    const mine = await ticketing.createRequest({ summary, description: 'd' });
    const onBehalf = await ticketing.createRequest({ summary, description: 'd', onBehalfOf: customer });
    await ticketing.createRequest({ summary: `${summary} (another)`, description: 'd' });
    await createJiraTicketing(options({ requestTypeId: '11' })).createRequest({ summary, description: 'd' });
    const found = await ticketing.findRequests({ summary, since });
    expect(found.map((r) => r.key).sort()).toEqual([mine.key, onBehalf.key].sort());
    expect(await ticketing.findRequests({ summary, since: Date.now() + 60_000 })).toEqual([]);
    expect(jira.calls.findLast((c) => c.op === 'listRequests')!.query).toMatchObject({ serviceDeskId: '1', requestTypeId: '10', requestOwnership: 'ALL_REQUESTS', requestStatus: 'ALL_REQUESTS' });
  });

  it('answers nothing (and warns) when Jira will not list requests', async () => {
    const { logger, lines } = captureLogs();
    jira.failNext('listRequests', { status: 400 });
    expect(await createJiraTicketing(options({ logger })).findRequests({ summary: 's', since: 0 })).toEqual([]);
    expect(lines.some((l) => String(l.msg).includes('would not list requests'))).toBe(true);
    jira.failNext('listRequests', { status: 500 });
    expect(await failure(ticketing.findRequests({ summary: 's', since: 0 }))).toMatchObject({ retryable: true });
  });
});

describe('finding a comment again', () => {
  const other = (body: string, isPublic = true, created = Date.now()) => ({ id: String(Math.random()).slice(2, 8), body, public: isPublic, authorAccountId: 'someone-else', created });

  it('finds the integration account’s comment by exact body and visibility, created since the time given', async () => {
    const since = Date.now() - 1;
    const { key } = await ticketing.createRequest({ summary: 's', description: 'd' });
    const pub = await ticketing.addComment(key, 'Ana from Slack (…):\nWe are on it', true);
    const internal = await ticketing.addComment(key, 'pump serial 123', false);
    jira.requests.get(key)!.comments.push(other('someone else said this'));
    expect(await ticketing.findComment(key, { body: 'Ana from Slack (…):\nWe are on it', isPublic: true, since })).toEqual(pub);
    expect(await ticketing.findComment(key, { body: 'pump serial 123', isPublic: false, since })).toEqual(internal);
    // Visibility, body, time and author must all match.
    expect(await ticketing.findComment(key, { body: 'pump serial 123', isPublic: true, since })).toBeUndefined();
    expect(await ticketing.findComment(key, { body: 'Ana from Slack (…):\nWe are on', isPublic: true, since })).toBeUndefined();
    expect(await ticketing.findComment(key, { body: 'Ana from Slack (…):\nWe are on it', isPublic: true, since: Date.now() + 60_000 })).toBeUndefined();
    expect(await ticketing.findComment(key, { body: 'someone else said this', isPublic: true, since })).toBeUndefined();
    // Only the visibility asked for is read.
    expect(jira.calls.filter((c) => c.op === 'getComments' && c.path.includes(key)).map((c) => [c.query.public, c.query.internal])[1]).toEqual(['false', 'true']);
  });

  it('follows the pages of a long request', async () => {
    const { key } = await ticketing.createRequest({ summary: 's', description: 'd' });
    jira.requests.get(key)!.comments.push(...Array.from({ length: 120 }, (_, i) => other(`line ${i}`)));
    const { id } = await ticketing.addComment(key, 'the last one', true);
    expect(await ticketing.findComment(key, { body: 'the last one', isPublic: true, since: 0 })).toEqual({ id });
    expect(jira.calls.filter((c) => c.op === 'getComments' && c.path.includes(key)).map((c) => c.query.start)).toEqual(['0', '50', '100']);
  });
});

describe('SLAs', () => {
  it('maps ongoing, breached, paused, completed and not-started SLAs', async () => {
    const { key } = await ticketing.createRequest({ summary: 's', description: 'd' });
    jira.setSla(key, [
      { name: 'Time to first response', ongoing: { remainingMs: 2 * 3_600_000 + 13 * 60_000 } },
      { name: 'Time to resolution', ongoing: { remainingMs: -30 * 60_000 } },
      { name: 'Time waiting', ongoing: { remainingMs: 3_600_000, paused: true } },
      { name: 'Time to close', completed: [{ breached: true }, { breached: false }] },
      { name: 'Time to approve', completed: [{ breached: false }, { breached: true }] },
      { name: 'Time to triage' },
    ]);
    expect(await ticketing.getSla(key)).toEqual([
      { name: 'Time to first response', remainingMs: 7_980_000, remainingFriendly: '2h 13m', breached: false, paused: false, completed: false },
      { name: 'Time to resolution', remainingMs: -1_800_000, remainingFriendly: '-30m', breached: true, paused: false, completed: false },
      { name: 'Time waiting', remainingFriendly: '1h', breached: false, paused: true, completed: false },
      { name: 'Time to close', breached: false, paused: false, completed: true },
      { name: 'Time to approve', breached: true, paused: false, completed: true },
      { name: 'Time to triage', breached: false, paused: false, completed: false },
    ]);
  });

  it('maps the documented SLA example and follows paging', async () => {
    const { key } = await ticketing.createRequest({ summary: 's', description: 'd' });
    const documented = (fixture('sla.json').values as Array<Record<string, unknown>>)[0]!;
    jira.setSla(key, Array.from({ length: 60 }, (_, i) => ({ ...documented, id: String(i + 1), name: `SLA ${i + 1}` })));
    const slas = await ticketing.getSla(key);
    expect(slas).toHaveLength(60);
    expect(slas[0]).toEqual({ name: 'SLA 1', remainingMs: 10_800_000, remainingFriendly: '3h', breached: false, paused: false, completed: false });
    expect(jira.calls.filter((c) => c.op === 'getSla' && c.path.includes(key)).map((c) => c.query.start)).toEqual(['0', '50']);
  });
});

describe('customers', () => {
  it('creates a new customer with strictConflictStatusCode and adds it to the service desk', async () => {
    const accountId = await ticketing.customerFor({ email: 'joao@example.com', displayName: 'João' });
    expect(jira.customers.get(accountId!)).toMatchObject({ email: 'joao@example.com', displayName: 'João' });
    expect([...jira.customers.get(accountId!)!.serviceDeskIds]).toEqual(['1']);
    const create = jira.calls.findLast((c) => c.op === 'createCustomer')!;
    expect(create).toMatchObject({ status: 201, query: { strictConflictStatusCode: 'true' }, body: { email: 'joao@example.com', displayName: 'João' } });
    expect(jira.calls.findLast((c) => c.op === 'addCustomers')).toMatchObject({ status: 204, body: { accountIds: [accountId] } });
    // Known now: no second round trip.
    const before = jira.calls.length;
    expect(await ticketing.customerFor({ email: 'JOAO@example.com', displayName: 'João' })).toBe(accountId);
    expect(jira.calls.length).toBe(before);
  });

  it('finds an existing customer of the desk after a 409', async () => {
    const existing = jira.addCustomer('ana@example.com', 'Ana', ['1']);
    const fresh = createJiraTicketing(options());
    expect(await fresh.customerFor({ email: 'ana@example.com', displayName: 'Ana' })).toBe(existing);
    const ops = jira.calls.slice(-3).map((c) => `${c.op} ${c.status}`);
    expect(ops).toEqual(['createCustomer 409', 'getCustomers 200', 'addCustomers 204']);
  });

  it('finds a customer of another desk site-wide and adds it to this one', async () => {
    const existing = jira.addCustomer('pedro@example.com', 'Pedro', ['2']);
    expect(await createJiraTicketing(options()).customerFor({ email: 'pedro@example.com', displayName: 'Pedro' })).toBe(existing);
    expect(jira.calls.slice(-4).map((c) => `${c.op} ${c.status}`)).toEqual(['createCustomer 409', 'getCustomers 200', 'userSearch 200', 'addCustomers 204']);
    expect([...jira.customers.get(existing)!.serviceDeskIds].sort()).toEqual(['1', '2']);
  });

  it('completes a bare local part with customerEmailDomain', async () => {
    const t = createJiraTicketing(options({ customerEmailDomain: 'wa.example.com' }));
    const accountId = await t.customerFor({ email: '5511999998888', displayName: 'Maria' });
    expect(jira.customers.get(accountId!)!.email).toBe('5511999998888@wa.example.com');
    expect(await createJiraTicketing(options()).customerFor({ email: '5511999998888', displayName: 'Maria' })).toBeUndefined();
  });

  it('answers undefined and warns once when the account may not manage customers', async () => {
    const closed = await createFakeJira({ email: EMAIL, apiToken: TOKEN, serviceDesks: desks, customersPermitted: false });
    try {
      const { logger, lines } = captureLogs();
      const t = createJiraTicketing({ ...options(), baseUrl: closed.url, logger });
      expect(await t.customerFor({ email: 'a@example.com', displayName: 'A' })).toBeUndefined();
      expect(await t.customerFor({ email: 'b@example.com', displayName: 'B' })).toBeUndefined();
      expect(closed.calls.filter((c) => c.op === 'createCustomer').map((c) => c.status)).toEqual([403]);
      expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
      expect(JSON.stringify(lines)).not.toContain('a@example.com');
      // …and the request is raised as the integration account.
      expect((await t.createRequest({ summary: 's', description: 'd' })).key).toMatch(/^SUP-/);
    } finally {
      await closed.close();
    }
  });

  it('treats a 401 on customer creation as not permitted', async () => {
    jira.failNext('createCustomer', { status: 401 });
    expect(await createJiraTicketing(options()).customerFor({ email: 'x@example.com', displayName: 'X' })).toBeUndefined();
  });
});

describe('errors', () => {
  it('401: wrong token → jira_unauthorized, not retryable, says the token may have expired', async () => {
    const e = await failure(createJiraTicketing(options({ apiToken: 'wrong-token' })).getRequest('SUP-1'));
    expect(e).toMatchObject({ code: 'jira_unauthorized', retryable: false });
    expect(e.message).toMatch(/expired/);
    expect(jira.calls.at(-1)).toMatchObject({ status: 401, authorized: false });
  });

  it('403 → jira_forbidden', async () => {
    jira.failNext('createRequest', { status: 403 });
    expect(await failure(ticketing.createRequest({ summary: 's', description: 'd' }))).toMatchObject({ code: 'jira_forbidden', retryable: false });
  });

  it('400 → not retryable, with Jira’s reason', async () => {
    const wrongType = await failure(createJiraTicketing(options({ requestTypeId: '20' })).createRequest({ summary: 's', description: 'd' }));
    expect(wrongType).toMatchObject({ code: 'jira_bad_request', retryable: false });
    expect(wrongType.message).toContain('The request type with id 20 does not exist in this service project.');
    const noSummary = await failure(ticketing.createRequest({ summary: ' ', description: 'd' }));
    expect(noSummary.message).toContain('Summary is required.');
  });

  it('404 → jira_not_found', async () => {
    expect(await failure(ticketing.getRequest('SUP-99999'))).toMatchObject({ code: 'jira_not_found', retryable: false });
  });

  it('429 → rate_limited with Retry-After in seconds or as an HTTP date', async () => {
    jira.failNext('getSla', { status: 429, retryAfter: 7 });
    expect(await failure(createJiraTicketing(options()).getSla('SUP-1'))).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });
    jira.failNext('/rest/servicedeskapi/request', { status: 429, retryAfter: new Date(Date.now() + 30_000).toUTCString() });
    const e = await failure(createJiraTicketing(options()).getRequest('SUP-1'));
    expect(e.retryAfterMs).toBeGreaterThan(25_000);
    expect(e.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('503 → retryable with Retry-After; 500 → retryable', async () => {
    jira.mode = '503';
    expect(await failure(ticketing.addComment('SUP-1', 'x', true))).toMatchObject({ code: 'jira_unavailable', retryable: true, retryAfterMs: 2000 });
    jira.mode = undefined;
    jira.failNext('addComment', { status: 500 });
    const e = await failure(ticketing.addComment('SUP-1', 'x', true));
    expect(e).toMatchObject({ code: 'jira_http_500', retryable: true, retryAfterMs: undefined });
  });

  it('sends nothing inside a Retry-After window: every call waits for its end', async () => {
    const t = createJiraTicketing(options());
    jira.failNext('getSla', { status: 429, retryAfter: 30 });
    await failure(t.getSla('SUP-1'));
    const before = jira.calls.length;
    const held = await failure(t.addComment('SUP-1', 'x', true));
    expect(held).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(held.retryAfterMs).toBeGreaterThan(25_000);
    expect(held.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(jira.calls.length).toBe(before);
  });

  it('every call answers 429 in 429 mode', async () => {
    jira.mode = '429';
    expect(await failure(createJiraTicketing(options()).customerFor({ email: 'z@example.com', displayName: 'Z' }))).toMatchObject({ code: 'rate_limited', retryAfterMs: 2000 });
  });

  it('network errors and timeouts are retryable', async () => {
    const gone = await createFakeJira({ email: EMAIL, apiToken: TOKEN, serviceDesks: desks });
    await gone.close();
    expect(await failure(createJiraTicketing(options({ baseUrl: gone.url })).getRequest('SUP-1'))).toMatchObject({ code: 'network_error', retryable: true });

    const silent: Server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      expect(await failure(createJiraTicketing(options({ baseUrl: url, fetchTimeoutMs: 200 })).getRequest('SUP-1'))).toMatchObject({ code: 'timeout', retryable: true });
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('parses Retry-After', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
