import { afterEach, describe, expect, it } from 'vitest';
import { createFakeJira, type FakeJira } from './jira.js';

const EMAIL = 'integration@example.com';
const TOKEN = 'fake-jira-token';
const auth = { authorization: `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`, 'content-type': 'application/json' };
const desks = [{ id: '1', projectKey: 'SUP', name: 'Support', requestTypes: [{ id: '10', name: 'WhatsApp conversation' }] }];

let jira: FakeJira;
afterEach(() => jira?.close());

const call = (path: string, init: RequestInit = {}) => fetch(`${jira.url}${path}`, { ...init, headers: auth });
const raise = async () =>
  ((await (await call('/rest/servicedeskapi/request', { method: 'POST', body: JSON.stringify({ serviceDeskId: '1', requestTypeId: '10', requestFieldValues: { summary: 's' } }) })).json()) as { issueKey: string }).issueKey;
const comment = (key: string, body: string, isPublic = true) => call(`/rest/servicedeskapi/request/${key}/comment`, { method: 'POST', body: JSON.stringify({ body, public: isPublic }) });

describe('fake Jira', () => {
  it('lists a request’s comments as the documented PagedComment, oldest first, filtered by visibility, 50 a page', async () => {
    jira = await createFakeJira({ email: EMAIL, apiToken: TOKEN, serviceDesks: desks });
    const key = await raise();
    for (let i = 0; i < 55; i++) await comment(key, `c${i}`);
    await comment(key, 'internal', false);
    const first = (await (await call(`/rest/servicedeskapi/request/${key}/comment`)).json()) as Record<string, unknown> & { values: Array<Record<string, unknown>> };
    expect(first).toMatchObject({ start: 0, size: 50, limit: 50, isLastPage: false });
    expect(first.values[0]).toMatchObject({
      id: expect.any(String),
      body: 'c0',
      public: true,
      author: { accountId: jira.accountId, displayName: expect.any(String) },
      created: { epochMillis: expect.any(Number), iso8601: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/) },
    });
    const last = (await (await call(`/rest/servicedeskapi/request/${key}/comment?start=50&public=false`)).json()) as { values: Array<{ body: string }>; isLastPage: boolean };
    expect(last).toMatchObject({ isLastPage: true, values: [] });
    const internal = (await (await call(`/rest/servicedeskapi/request/${key}/comment?public=false`)).json()) as { values: Array<{ body: string }> };
    expect(internal.values.map((c) => c.body)).toEqual(['internal']);
  });

  it('rate-limits each account by itself: 429 with Retry-After and X-RateLimit-* headers, refused again inside the window', async () => {
    jira = await createFakeJira({ email: EMAIL, apiToken: TOKEN, serviceDesks: desks, rateLimit: { capacity: 2, refillPerSecond: 0.1 } });
    const ok = await call('/rest/api/3/myself');
    expect(ok.headers.get('x-ratelimit-limit')).toBe('2');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(ok.headers.get('x-ratelimit-nearlimit')).toBeNull();
    expect((await call('/rest/api/3/myself')).headers.get('x-ratelimit-nearlimit')).toBe('true');
    const limited = await call('/rest/api/3/myself');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect(jira.rateLimit).toEqual({ limited: 1, insideWindow: 0 });
    const again = await call('/rest/api/3/myself');
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(retryAfter - 1);
    expect(jira.rateLimit).toEqual({ limited: 2, insideWindow: 1 });
  });

  it('carries out a call and then drops the connection (failAfter)', async () => {
    jira = await createFakeJira({ email: EMAIL, apiToken: TOKEN, serviceDesks: desks });
    const key = await raise();
    jira.failAfter('addComment');
    await expect(comment(key, 'done, but unanswered')).rejects.toThrow();
    expect(jira.requests.get(key)!.comments.map((c) => c.body)).toEqual(['done, but unanswered']);
    expect(jira.calls.at(-1)).toMatchObject({ op: 'addComment', dropped: true });
    expect((await comment(key, 'answered')).status).toBe(201);
  });

  it('leaves a call unanswered, and undone, until released (hang)', async () => {
    jira = await createFakeJira({ email: EMAIL, apiToken: TOKEN, serviceDesks: desks });
    const key = await raise();
    jira.hang('addComment');
    const pending = comment(key, 'later');
    for (const deadline = Date.now() + 5_000; jira.hanging === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    expect(jira.hanging).toBe(1);
    expect(jira.requests.get(key)!.comments).toEqual([]);
    // Other calls still answer.
    expect((await call(`/rest/servicedeskapi/request/${key}`)).status).toBe(200);
    jira.release();
    expect((await pending).status).toBe(201);
    expect(jira.requests.get(key)!.comments.map((c) => c.body)).toEqual(['later']);
  });

  it('serves the workflow strictly: transitions by status, 400 for one not offered, 404 for an unknown key, auth first', async () => {
    jira = await createFakeJira({ email: EMAIL, apiToken: TOKEN, serviceDesks: desks });
    const key = await raise();
    const list = (await (await call(`/rest/api/3/issue/${key}/transitions`)).json()) as { transitions: Array<{ id: string; name: string; to: { name: string; statusCategory: { key: string } } }> };
    expect(list.transitions.map((t) => [t.id, t.to.name, t.to.statusCategory.key])).toEqual([
      ['11', 'In progress', 'indeterminate'],
      ['21', 'Waiting for customer', 'indeterminate'],
      ['31', 'Resolved', 'done'],
    ]);
    const reopen = await call(`/rest/api/3/issue/${key}/transitions`, { method: 'POST', body: JSON.stringify({ transition: { id: '41' } }) });
    expect(reopen.status).toBe(400);
    expect(await reopen.json()).toEqual({ errorMessages: ["Transition id '41' is not valid for this issue."], errors: {} });
    expect((await call(`/rest/api/3/issue/${key}/transitions`, { method: 'POST', body: JSON.stringify({ transition: { id: '31' } }) })).status).toBe(204);
    expect(jira.requests.get(key)).toMatchObject({ status: 'Resolved', statusCategory: 'DONE' });
    expect(jira.requests.get(key)!.transitionsDone.map((t) => t.name)).toEqual(['Resolve this issue']);
    expect((await call('/rest/api/3/issue/SUP-999/transitions')).status).toBe(404);
    const anonymous = await fetch(`${jira.url}/rest/api/3/issue/${key}/transitions`);
    expect(anonymous.status).toBe(401);
  });

  it('assigns only team members, unassigns with null, and finds them by e-mail', async () => {
    jira = await createFakeJira({ email: EMAIL, apiToken: TOKEN, serviceDesks: desks });
    const key = await raise();
    const ana = jira.addAgent('ana.souza@clinic.example.com', 'Ana Souza');
    const customer = jira.addCustomer('16505551234@whatsapp.example.com', 'Sheena Nelson', ['1']);
    const found = (await (await call('/rest/api/3/user/search?query=ana.souza%40clinic.example.com')).json()) as Array<{ accountId: string; accountType: string }>;
    expect(found).toEqual([expect.objectContaining({ accountId: ana, accountType: 'atlassian' })]);
    const assign = (accountId: string | null) => call(`/rest/api/3/issue/${key}/assignee`, { method: 'PUT', body: JSON.stringify({ accountId }) });
    expect((await assign(customer)).status).toBe(400);
    expect((await assign(ana)).status).toBe(204);
    expect(jira.requests.get(key)!.assignee).toBe(ana);
    expect((await assign(null)).status).toBe(204);
    expect(jira.requests.get(key)!.assignee).toBeNull();
    jira.deleteRequest(key);
    expect((await assign(ana)).status).toBe(404);
  });
});
