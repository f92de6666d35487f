import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { JOB_INBOUND } from '../../src/intake.js';
import { JOB_JIRA_CHANGE } from '../../src/jira/jobs.js';
import { createFakeJira, type FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, JIRA_EMAIL, JIRA_SECRET, JIRA_TOKEN, startHarness, type Harness } from '../support/harness.js';
import { issueUpdated, jiraWebhook, says, settle, until } from '../support/jira-chat.js';
import { errorMessage } from '../../src/core/errors.js';
import { sqlDb } from '../../src/store/sql-store.js';

/** The failures these tests inject stand for a worker that stopped half-way: worth another attempt. */
const injectedStop = (err: unknown) =>
  errorMessage(err).includes('injected: the worker stopped here') ? { code: 'injected', message: errorMessage(err), retryable: true } : undefined;

/** Contacts other than the harness's default one. */
const contact = (i: number) => ({ from: `1650555${String(1000 + i)}`, name: `Contact ${i}` });

/** fakeJiraSite's desk and credentials, with the fake's fault options. */
const siteWith = (o: Partial<Parameters<typeof createFakeJira>[0]>) =>
  createFakeJira({
    email: JIRA_EMAIL,
    apiToken: JIRA_TOKEN,
    serviceDesks: [{ id: '1', projectKey: 'SUP', name: 'Clinic support', requestTypes: [{ id: '10', name: 'WhatsApp conversation' }] }],
    ...o,
  });

const commentsWith = (jira: FakeJira, text: string) => [...jira.requests.values()].flatMap((r) => r.comments).filter((c) => c.body.includes(text));

describe('Jira under faults', () => {
  let h: Harness;
  let jira: FakeJira;
  afterEach(async () => {
    await h?.close();
    await jira?.close();
  });

  it('posts a comment once when Jira carried it out but the answer was lost', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira });
    await h.webhook(says('my pump shows error 41'));
    await settle(h);
    expect(jira.requests.size).toBe(1);

    // Jira adds the comment, then the connection drops: the flush job fails and runs again.
    jira.failAfter('addComment');
    await h.webhook(says('is anyone there?'));
    await settle(h);
    expect(commentsWith(jira, 'is anyone there?')).toHaveLength(1);
    expect(jira.calls.filter((c) => c.op === 'addComment' && c.dropped)).toHaveLength(1);
    expect(jira.calls.some((c) => c.op === 'getComments')).toBe(true);
    expect(commentsWith(jira, 'error 41')).toHaveLength(1);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });

  it('raises a request once when Jira raised it but the answer was lost', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, env: { JIRA_CUSTOMER_EMAIL_DOMAIN: 'whatsapp.example.com' } });
    jira.failAfter('createRequest');
    await h.webhook(says('my pump shows error 41'));
    await settle(h);
    expect(jira.requests.size).toBe(1);
    expect(jira.calls.filter((c) => c.op === 'createRequest' && c.dropped)).toHaveLength(1);
    const [request] = [...jira.requests.values()];
    expect(request!.raiseOnBehalfOf).toBeDefined();
    const card = h.slack.topLevel(CHANNEL)[0]!;
    expect(JSON.stringify(card.blocks)).toContain(request!.key);
    expect(h.slack.threadReplies(CHANNEL, card.ts).filter((m) => m.text?.includes(`Request ${request!.key} opened`))).toHaveLength(1);
    expect(commentsWith(jira, 'error 41')).toHaveLength(1);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });

  describe('a resolution whose job stops half-way and runs again', () => {
    const RESOLVED = 'Your request was resolved. Write again any time.';
    const resolvedMessages = () => h.graph.sent.filter((s) => (s.text as { body?: string } | undefined)?.body === RESOLVED);

    async function resolveWith(fault: () => Promise<void> | void) {
      jira = await fakeJiraSite();
      h = await startHarness({ jira, env: { JIRA_RESOLVED_MESSAGE: RESOLVED }, overrides: { classifyFailure: injectedStop } });
      await h.webhook(says('first problem'));
      await settle(h);
      const key = [...jira.requests.keys()][0]!;
      await fault();
      expect((await jiraWebhook(h, issueUpdated(key, 'Resolved', 'done'), { 'x-switchboard-secret': JIRA_SECRET })).status).toBe(200);
      await settle(h);
      // The change job did stop once and ran again.
      expect(await sqlDb(h.app.store).selectFrom('jobs').select('attempts').where('kind', '=', JOB_JIRA_CHANGE).execute()).toEqual([{ attempts: 2 }]);
      const card = h.slack.topLevel(CHANNEL)[0]!;
      return h.slack.threadReplies(CHANNEL, card.ts).filter((m) => m.text?.includes(`Request ${key} is resolved`));
    }

    it('finishes what it began: the resolved notice and message once each', async () => {
      // The card update fails once, after the request was recorded as closed.
      const notices = await resolveWith(() => h.slack.failNext('chat.update', { error: 'internal_error' }));
      expect(notices).toHaveLength(1);
      expect(resolvedMessages()).toHaveLength(1);
      expect(await h.app.outbox.recentDead(5)).toEqual([]);
    });

    it('does not send the resolved message again when its result was not recorded', async () => {
      // WhatsApp took the message; recording its id fails once.
      await resolveWith(async () => {
        await sql`CREATE TABLE fail_once (n integer)`.execute(sqlDb(h.app.store));
        await sql`INSERT INTO fail_once VALUES (1)`.execute(sqlDb(h.app.store));
        for (const op of ['INSERT', 'UPDATE']) {
          await sql`CREATE TRIGGER ${sql.raw(`fail_result_${op}`)} BEFORE ${sql.raw(op)} ON effects
            WHEN NEW.key LIKE 'resolved-message:%' AND NEW.value <> 'sending' AND (SELECT n FROM fail_once) > 0
            BEGIN UPDATE fail_once SET n = n - 1; SELECT RAISE(FAIL, 'injected: the worker stopped here'); END`.execute(sqlDb(h.app.store));
        }
      });
      expect(resolvedMessages()).toHaveLength(1);
      // The retry cannot tell whether the contact got it: the thread says so rather than nothing.
      const card = h.slack.topLevel(CHANNEL)[0]!;
      expect(h.slack.threadReplies(CHANNEL, card.ts).filter((m) => m.text?.includes('may not have reached the contact'))).toHaveLength(1);
      expect(await h.app.outbox.recentDead(5)).toEqual([]);
    });

    it('sends the resolved message on the retry when WhatsApp failed it without taking it', async () => {
      // A 503 from Graph: nothing went out, so the retry must send it (it was skipped, silently, as if sent).
      jira = await fakeJiraSite();
      h = await startHarness({ jira, env: { JIRA_RESOLVED_MESSAGE: RESOLVED } });
      await h.webhook(says('second problem'));
      await settle(h);
      const key = [...jira.requests.keys()][0]!;
      h.graph.failNext('send', { status: 503, code: 2 });
      expect((await jiraWebhook(h, issueUpdated(key, 'Resolved', 'done'), { 'x-switchboard-secret': JIRA_SECRET })).status).toBe(200);
      await settle(h, 200, 30_000);
      expect(resolvedMessages()).toHaveLength(1);
      expect(await sqlDb(h.app.store).selectFrom('jobs').select('attempts').where('kind', '=', JOB_JIRA_CHANGE).execute()).toEqual([{ attempts: 2 }]);
      expect(await h.app.outbox.recentDead(5)).toEqual([]);
    });
  });

  it('keeps looking for a request whose answer was lost while Jira’s listing lags, and raises it once', async () => {
    jira = await siteWith({ indexLagMs: 2_500 });
    h = await startHarness({ jira });
    jira.failAfter('createRequest');
    await h.webhook(says('my pump shows error 41'));
    await settle(h, 200, 30_000);
    expect(jira.requests.size).toBe(1);
    expect(jira.calls.filter((c) => c.op === 'listRequests').length).toBeGreaterThan(1);
    expect(commentsWith(jira, 'error 41')).toHaveLength(1);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });

  it('adds a line once when its relay job stops after keeping it and runs again', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, overrides: { classifyFailure: injectedStop } });
    // The first attempt stops right after the line is kept, when it queues the line's Jira work.
    await sql`CREATE TABLE fail_once (n integer)`.execute(sqlDb(h.app.store));
    await sql`INSERT INTO fail_once VALUES (1)`.execute(sqlDb(h.app.store));
    await sql`CREATE TRIGGER fail_jira_ensure BEFORE INSERT ON jobs WHEN NEW.kind = 'jira.ensure' AND (SELECT n FROM fail_once) > 0
      BEGIN UPDATE fail_once SET n = n - 1; SELECT RAISE(FAIL, 'injected: the worker stopped here'); END`.execute(sqlDb(h.app.store));
    await h.webhook(says('only once, please'));
    await settle(h);
    const attempts = await sqlDb(h.app.store).selectFrom('jobs').select(['attempts', 'last_error']).where('kind', '=', JOB_INBOUND).execute();
    expect(attempts).toEqual([{ attempts: 2, last_error: expect.stringContaining('injected') }]);
    expect(jira.requests.size).toBe(1);
    expect(commentsWith(jira, 'only once, please')).toHaveLength(1);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });

  it('a hung Jira call is abandoned after JIRA_TIMEOUT_MS and retried, and Slack keeps flowing meanwhile', async () => {
    jira = await fakeJiraSite();
    // QUEUE_CONCURRENCY is 4 in the harness: four hung Jira calls would take every worker slot.
    h = await startHarness({ jira, env: { JIRA_TIMEOUT_MS: '300' } });
    jira.hang('createRequest', 4);
    for (let i = 1; i <= 4; i++) await h.webhook(says(`hello from ${i}`, contact(i)));
    await until('four hung createRequest calls', () => jira.hanging === 4);

    await h.webhook(says('I am here too', contact(5)));
    await until('the fifth contact’s message in Slack', () => h.slack.state.messages.some((m) => m.text === 'I am here too'));
    // The abandoned calls' outcome is unknown: their requests are looked for (a while, as Jira's listing lags) before being raised again.
    await settle(h, 200, 30_000);
    expect(jira.calls.filter((c) => c.op === 'listRequests').length).toBeGreaterThanOrEqual(4);
    // Every request raised once: the hung calls were never carried out, their jobs retried after the timeout.
    expect(jira.requests.size).toBe(5);
    expect(jira.calls.filter((c) => c.op === 'createRequest')).toHaveLength(9);
    for (let i = 1; i <= 4; i++) expect(commentsWith(jira, `hello from ${i}`)).toHaveLength(1);
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(5);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });

  it('waits out Retry-After: nothing reaches Jira inside a window it was told, from any conversation', async () => {
    // A slow refill keeps the bucket empty once drained; after its 2 s window the account starts full again.
    jira = await siteWith({ rateLimit: { capacity: 8, refillPerSecond: 0.5, retryAfterSeconds: 2 } });
    h = await startHarness({ jira });
    // Someone else using the account has spent its budget.
    const auth = `Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_TOKEN}`).toString('base64')}`;
    for (let i = 0; i < 8; i++) expect((await fetch(`${jira.url}/rest/api/3/myself`, { headers: { authorization: auth } })).status).toBe(200);

    await h.webhook(says('rate me 1', contact(1)));
    await until('Jira’s first 429', () => jira.rateLimit.limited > 0);
    // Another conversation's Jira work starts inside the window: it waits too.
    await h.webhook(says('rate me 2', contact(2)));
    await settle(h, 200, 30_000);
    expect(jira.rateLimit.insideWindow).toBe(0);
    expect(jira.rateLimit.limited).toBe(1);
    const heldBack = await sqlDb(h.app.store).selectFrom('jobs').select('last_error').where('kind', 'like', 'jira.%').where('last_error', 'like', '%held back%').execute();
    expect(heldBack.length).toBeGreaterThan(0);
    expect(jira.requests.size).toBe(2);
    for (let i = 1; i <= 2; i++) expect(commentsWith(jira, `rate me ${i}`)).toHaveLength(1);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });
});
