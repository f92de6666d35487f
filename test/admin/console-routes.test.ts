import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCsrfTokens } from '../../src/http/admin/csrf.js';
import type { ConversationSummary } from '../../src/http/admin/types.js';
import { deadJob, memoryConversations, memoryJobs } from './console-fixtures.js';
import { TOKEN, basic, buildAdminServer, capturingLogger, sampleStatus } from './fixtures.js';

const auth = { authorization: basic('nurse-admin', TOKEN) };
const sameOrigin = { ...auth, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
/** The form token on a confirmation page, as the browser would send it back. */
const tokenIn = (body: string) => /name="csrf" value="([^"]+)"/.exec(body)?.[1];

describe('operator console routes', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const build = (extra: Partial<Parameters<typeof buildAdminServer>[0]> = {}) => {
    const jobs = memoryJobs([
      deadJob(),
      deadJob({ id: 41, kind: 'wa.outbound', lastError: 'graph_131047: (#131047) Re-engagement message' }),
      deadJob({ id: 50, status: 'pending', attempts: 2, lastError: 'slack_http_503: Slack chat.postMessage answered HTTP 503', finishedAt: null }),
      deadJob({ id: 51, status: 'done', lastError: null }),
    ]);
    const unlink = vi.fn(async () => undefined);
    app = buildAdminServer({ status: async () => sampleStatus(), jobs, unlink, ...extra });
    return { app, jobs, unlink };
  };

  const confirmToken = async (url: string) => {
    const res = await app!.inject({ method: 'GET', url, headers: auth });
    expect(res.statusCode, url).toBe(200);
    return tokenIn(res.body)!;
  };
  /** What the browser does: open the confirmation page, then submit its form. */
  const confirmAndPost = async (url: string, headers: Record<string, string> = sameOrigin) =>
    app!.inject({ method: 'POST', url, headers, payload: form({ csrf: await confirmToken(url) }) });

  describe('jobs', () => {
    it('lists dead jobs with what to do about them, and pending ones, each as a card', async () => {
      build();
      const res = await app!.inject({ method: 'GET', url: '/admin/jobs', headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Dead jobs (2)');
      expect(res.body).toContain('Pending jobs (1)');
      expect(res.body).toContain('The bot is not a member of the Slack channel.');
      expect(res.body).toContain('Invite the bot to the channel');
      expect(res.body).toContain('WhatsApp’s 24-hour window is closed');
      expect(res.body).toContain('href="/admin/jobs/42/retry"');
      expect(res.body).toContain('href="/admin/jobs/41/discard"');
      // The conversation as a number people read, linked to the conversation list.
      expect(res.body).toContain('<a href="/admin/conversations?q=16505551234">+1 650 555 1234</a>');
      expect(res.body).toContain('WhatsApp message to Slack <code>wa.inbound</code>');
      expect(res.body).not.toContain('<table');
      expect(res.body).not.toContain('<script');
    });

    it('asks for confirmation on a page of its own before changing anything', async () => {
      const { jobs } = build();
      const res = await app!.inject({ method: 'GET', url: '/admin/jobs/42/retry', headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<h1>Retry job 42?</h1>');
      expect(res.body).toContain('<form method="post" action="/admin/jobs/42/retry"');
      expect(tokenIn(res.body)).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
      expect(jobs.jobs[0]!.status).toBe('dead');
      const discard = await app!.inject({ method: 'GET', url: '/admin/jobs/41/discard', headers: auth });
      expect(discard.body).toContain('Yes, discard it');
    });

    it('retries a dead job on the confirmed POST, wakes the worker and writes an audit line without personal data', async () => {
      const { logger, lines } = capturingLogger();
      const { jobs } = build({ logger });
      const res = await confirmAndPost('/admin/jobs/42/retry');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin/jobs?done=retry&job=42');
      expect(jobs.jobs[0]).toMatchObject({ status: 'pending', attempts: 0 });
      expect(jobs.wakes).toBe(1);
      const audit = lines.filter((l) => l.audit === true);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ level: 30, action: 'job.retry', by: 'basic:nurse-admin', jobId: 42, kind: 'wa.inbound', attempts: 1, code: 'slack_not_in_channel', msg: 'operator retried a dead job' });
      // When: pino's ISO time on every line.
      expect(String(audit[0]!.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(JSON.stringify(lines)).not.toMatch(/16505551234|not_in_channel \(|csrf|admin-token/);
      const after = await app!.inject({ method: 'GET', url: '/admin/jobs?done=retry&job=42', headers: auth });
      expect(after.body).toContain('Job 42 is queued again and runs now.');
    });

    it('discards a dead job on the confirmed POST, and logs it', async () => {
      const { logger, lines } = capturingLogger();
      const { jobs } = build({ logger });
      const res = await confirmAndPost('/admin/jobs/41/discard', { ...sameOrigin, authorization: `Bearer ${TOKEN}` });
      expect(res.statusCode).toBe(303);
      expect(jobs.jobs[1]).toMatchObject({ status: 'done', lastError: 'discarded: graph_131047: (#131047) Re-engagement message' });
      expect(jobs.wakes).toBe(0);
      expect(lines.filter((l) => l.audit === true)).toEqual([expect.objectContaining({ action: 'job.discard', by: 'bearer token', jobId: 41, code: 'graph_131047' })]);
    });

    it('refuses a POST without the form token, with a wrong or stale one, or one for another action or job (403)', async () => {
      const { logger, lines } = capturingLogger();
      const { jobs } = build({ logger });
      const hour = 60 * 60_000;
      const cases: Array<[string, Record<string, string>]> = [
        ['missing', {}],
        ['empty', { csrf: '' }],
        ['garbage', { csrf: 'not-a-token' }],
        ['forged', { csrf: `${Date.now()}.${'A'.repeat(43)}` }],
        ['other job', { csrf: createCsrfTokens(TOKEN).issue('retry:41') }],
        ['other action', { csrf: createCsrfTokens(TOKEN).issue('discard:42') }],
        ['other ADMIN_TOKEN', { csrf: createCsrfTokens(`${TOKEN}-old`).issue('retry:42') }],
        ['stale', { csrf: createCsrfTokens(TOKEN, () => Date.now() - 13 * hour).issue('retry:42') }],
        ['from the future', { csrf: createCsrfTokens(TOKEN, () => Date.now() + hour).issue('retry:42') }],
      ];
      for (const [name, fields] of cases) {
        const res = await app!.inject({ method: 'POST', url: '/admin/jobs/42/retry', headers: sameOrigin, payload: form(fields) });
        expect(res.statusCode, name).toBe(403);
        expect(res.body, name).toContain('This form is out of date or did not come from the console.');
      }
      expect(jobs.jobs[0]!.status).toBe('dead');
      expect(lines.filter((l) => l.audit === true)).toEqual([]);
      expect(lines.filter((l) => l.msg === 'admin action refused: missing or stale form token')).toHaveLength(cases.length);
    });

    it('refuses a cross-site POST even with a valid token (403), and accepts the same-origin one', async () => {
      const { jobs } = build();
      const csrf = await confirmToken('/admin/jobs/42/retry');
      const crossSite: Array<Record<string, string>> = [
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
        { origin: 'https://evil.example' },
        { origin: 'null' },
      ];
      for (const headers of crossSite) {
        const res = await app!.inject({ method: 'POST', url: '/admin/jobs/42/retry', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: form({ csrf }) });
        expect(res.statusCode, JSON.stringify(headers)).toBe(403);
        expect(res.body).toContain('Cross-site requests are refused.');
      }
      expect(jobs.jobs[0]!.status).toBe('dead');
      const ok = await app!.inject({
        method: 'POST',
        url: '/admin/jobs/42/retry',
        headers: { ...auth, host: 'switchboard.example:8443', origin: 'https://switchboard.example:8443', 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ csrf }),
      });
      expect(ok.statusCode).toBe(303);
    });

    it('answers 404 for an unknown job, 409 for one that is not dead, and never acts on a GET', async () => {
      const { jobs } = build();
      const tokens = createCsrfTokens(TOKEN);
      const post = (url: string, action: string) => app!.inject({ method: 'POST', url, headers: sameOrigin, payload: form({ csrf: tokens.issue(action) }) });
      expect((await post('/admin/jobs/999/retry', 'retry:999')).statusCode).toBe(404);
      expect((await post('/admin/jobs/999/discard', 'discard:999')).statusCode).toBe(404);
      const pending = await post('/admin/jobs/50/retry', 'retry:50');
      expect(pending.statusCode).toBe(409);
      expect(pending.body).toContain('Job 50 is pending: only dead jobs can be retried or discarded.');
      expect((await post('/admin/jobs/51/discard', 'discard:51')).statusCode).toBe(409);
      expect((await post('/admin/jobs/42/explode', 'explode:42')).statusCode).toBe(404);
      expect((await post('/admin/jobs/abc/retry', 'retry:abc')).statusCode).toBe(404);
      for (const url of ['/admin/jobs/999/retry', '/admin/jobs/42/explode']) expect((await app!.inject({ method: 'GET', url, headers: auth })).statusCode, url).toBe(404);
      expect((await app!.inject({ method: 'GET', url: '/admin/jobs/50/retry', headers: auth })).statusCode).toBe(409);
      expect(jobs.jobs.map((j) => j.status)).toEqual(['dead', 'dead', 'pending', 'done']);
      // A second retry of the same job: it is pending now, so 409.
      expect((await post('/admin/jobs/42/retry', 'retry:42')).statusCode).toBe(303);
      expect((await post('/admin/jobs/42/retry', 'retry:42')).statusCode).toBe(409);
    });

    it('does not exist without ADMIN_TOKEN', async () => {
      build({ token: undefined, conversations: memoryConversations([]) });
      for (const [method, url] of [['GET', '/admin/jobs'], ['GET', '/admin/jobs/42/retry'], ['POST', '/admin/jobs/42/retry'], ['GET', '/admin/conversations'], ['POST', '/admin/whatsapp/unlink']] as const) {
        expect((await app!.inject({ method, url, headers: { ...sameOrigin, authorization: `Bearer ${TOKEN}` } })).statusCode, url).toBe(404);
      }
    });

    it('asks for the admin token first on every console route', async () => {
      build({ conversations: memoryConversations([]) });
      for (const [method, url] of [['GET', '/admin/jobs'], ['GET', '/admin/jobs/42/retry'], ['POST', '/admin/jobs/42/retry'], ['GET', '/admin/conversations'], ['GET', '/admin/whatsapp/unlink'], ['POST', '/admin/whatsapp/unlink']] as const) {
        const res = await app!.inject({ method, url, headers: { 'sec-fetch-site': 'same-origin' } });
        expect(res.statusCode, url).toBe(401);
      }
    });
  });

  describe('WhatsApp Web unlink', () => {
    it('unlinks after confirmation with the form token, and logs who did it', async () => {
      const { logger, lines } = capturingLogger();
      const { unlink } = build({ logger });
      const csrf = await confirmToken('/admin/whatsapp/unlink');
      const refused = await app!.inject({ method: 'POST', url: '/admin/whatsapp/unlink', headers: sameOrigin, payload: form({}) });
      expect(refused.statusCode).toBe(403);
      const crossSite = await app!.inject({ method: 'POST', url: '/admin/whatsapp/unlink', headers: { ...sameOrigin, 'sec-fetch-site': 'cross-site' }, payload: form({ csrf }) });
      expect(crossSite.statusCode).toBe(403);
      // A job's token does not unlink.
      const other = await app!.inject({ method: 'POST', url: '/admin/whatsapp/unlink', headers: sameOrigin, payload: form({ csrf: createCsrfTokens(TOKEN).issue('retry:42') }) });
      expect(other.statusCode).toBe(403);
      expect(unlink).not.toHaveBeenCalled();
      const res = await app!.inject({ method: 'POST', url: '/admin/whatsapp/unlink', headers: sameOrigin, payload: form({ csrf }) });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin');
      expect(unlink).toHaveBeenCalledOnce();
      expect(lines.filter((l) => l.audit === true)).toEqual([expect.objectContaining({ level: 30, action: 'whatsapp.unlink', by: 'basic:nurse-admin' })]);
    });

    it('does not exist on the Cloud API', async () => {
      build({ unlink: undefined });
      expect((await app!.inject({ method: 'GET', url: '/admin/whatsapp/unlink', headers: auth })).statusCode).toBe(404);
    });
  });

  describe('conversations', () => {
    const row = (n: number, extra: Partial<ConversationSummary> = {}): ConversationSummary => ({
      chatId: `1650555${String(1000 + n)}`,
      name: `Contact ${n}`,
      phone: `1650555${String(1000 + n)}`,
      isGroup: false,
      transport: 'cloud',
      slackChannel: 'C0123456789',
      cardTs: `1700000000.${String(n).padStart(6, '0')}`,
      lastActivityAt: Date.UTC(2025, 0, 15, 9, 0) - n * 60_000,
      ...extra,
    });

    it('shows each conversation with its number as its country writes it, its ticket and a link to its Slack thread', async () => {
      const links = { message: vi.fn(async (channel: string, ts: string) => `https://acme.slack.com/archives/${channel}/p${ts.replace('.', '')}`) };
      const directory = memoryConversations([
        row(1, { name: 'Sheena Nelson', phone: '16505551234', ticket: { key: 'SUP-7', url: 'https://acme.atlassian.net/servicedesk/customer/portal/1/SUP-7', done: false } }),
        row(2, { name: undefined, username: 'ward3.nurse', phone: undefined, cardTs: undefined }),
        row(3, { name: 'Berlin office', phone: '493012345678', ticket: { key: 'SUP-3', url: 'javascript:alert(1)', done: true } }),
      ]);
      build({ conversations: directory, links });
      const res = await app!.inject({ method: 'GET', url: '/admin/conversations', headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Sheena Nelson');
      expect(res.body).toContain('+1 650 555 1234');
      expect(res.body).toContain('+49 30 12345678');
      expect(res.body).toContain('<a href="https://acme.atlassian.net/servicedesk/customer/portal/1/SUP-7" rel="noreferrer">SUP-7</a>');
      expect(res.body).not.toContain('javascript:');
      expect(res.body).toContain('href="https://acme.slack.com/archives/C0123456789/p1700000000000001"');
      expect(res.body).toContain('@ward3.nurse');
      expect(res.body).toContain('No Slack card yet.');
      expect(links.message).toHaveBeenCalledTimes(2);
    });

    it('searches by what was typed and pages 25 at a time', async () => {
      const directory = memoryConversations(Array.from({ length: 30 }, (_, i) => row(i + 1)));
      build({ conversations: directory });
      const first = await app!.inject({ method: 'GET', url: '/admin/conversations', headers: auth });
      expect(first.body.match(/class="item"/g)).toHaveLength(25);
      expect(first.body).toContain('href="/admin/conversations?page=2" rel="next"');
      const second = await app!.inject({ method: 'GET', url: '/admin/conversations?page=2', headers: auth });
      expect(second.body.match(/class="item"/g)).toHaveLength(5);
      expect(second.body).toContain('rel="prev"');
      expect(second.body).not.toContain('rel="next"');
      const search = await app!.inject({ method: 'GET', url: `/admin/conversations?q=${encodeURIComponent('Contact 7')}`, headers: auth });
      expect(search.body).toContain('Matching “Contact 7”');
      expect(directory.queries.at(-1)).toEqual({ text: 'Contact 7', limit: 26, offset: 0 });
      expect(directory.queries[1]).toEqual({ text: '', limit: 26, offset: 25 });
    });
  });

  describe('overview panels', () => {
    it('says why WhatsApp Web is connecting and offers Unlink; shows pacing and Jira sync read-only', async () => {
      const status = sampleStatus({
        whatsapp: { state: 'connecting', detail: { state: 'connecting', since: Date.UTC(2025, 0, 15, 9, 0), attempt: 4, paired: true, lastDisconnect: { code: 408, reason: 'Connection was lost', at: Date.UTC(2025, 0, 15, 8, 59) } } },
        pacing: { shared: true, slack: { perSecond: 1, burst: 3 }, slackPaused: [{ channel: 'C0123456789', until: Date.UTC(2025, 0, 15, 9, 1) }], graphPaused: 0 },
        jira: { enabled: true, target: 'SUP', sync: { lastSuccessAt: Date.UTC(2025, 0, 15, 8, 0), lastFailureAt: Date.UTC(2025, 0, 15, 8, 30), lastFailureCode: 'jira_unauthorized', pending: 3, pendingLimit: 500 } },
      });
      build({ status: async () => status });
      const res = await app!.inject({ method: 'GET', url: '/admin', headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<dd id="wa-attempts">4</dd>');
      expect(res.body).toContain('408: connection timed out or was lost');
      expect(res.body).toContain('It keeps failing to connect.');
      expect(res.body).toContain('href="/admin/whatsapp/unlink"');
      expect(res.body).toContain('Shared with every instance on this PostgreSQL database.');
      expect(res.body).toContain('<code>C0123456789</code> until <time datetime="2025-01-15T09:01:00.000Z">');
      expect(res.body).toContain('<code>jira_unauthorized</code>');
      expect(res.body).toContain('<dd id="jira-pending">3</dd>');
      expect(res.body).toContain('Jira is failing.');
      expect(res.body).toContain('<nav class="nav" aria-label="Console">');
      expect(res.body).toContain('<a href="/admin" aria-current="page">Overview</a>');
    });
  });
});
