import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, JIRA_SECRET, startHarness, type Harness } from '../support/harness.js';
import { issueUpdated, jiraWebhook, says, settle } from '../support/jira-chat.js';
import { AGENT, eventCallback, threadReply } from '../support/slack-events.js';
import { sqlDb } from '../../src/store/sql-store.js';

const sign = (raw: string) => `sha256=${createHmac('sha256', JIRA_SECRET).update(raw).digest('hex')}`;

describe('Jira Service Management', () => {
  let h: Harness;
  let jira: FakeJira;
  afterEach(async () => {
    await h?.close();
    await jira?.close();
  });

  it('raises one request per conversation, on behalf of the contact, and shows it on the card and in the thread', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, env: { JIRA_CUSTOMER_EMAIL_DOMAIN: 'whatsapp.example.com', JIRA_COMMENT_BATCH_MS: '1500' } });
    const lines = ['My infusion pump shows error 41', 'It started this morning', 'The screen is blank', 'It beeps', 'Room 12'];
    for (const line of lines) await h.webhook(says(line));
    await settle(h, 1500);
    expect(jira.requests.size).toBe(1);
    const [request] = [...jira.requests.values()];
    expect(request!.fields.summary).toBe('WhatsApp · Sheena Nelson (+1 650 555 1234)');
    expect(String(request!.fields.description)).toContain('https://');
    expect(String(request!.fields.description)).toContain('My infusion pump shows error 41');
    const customer = [...jira.customers.values()].find((c) => c.email === '16505551234@whatsapp.example.com');
    expect(customer).toBeDefined();
    expect(request!.raiseOnBehalfOf).toBe(customer!.accountId);
    const card = h.slack.topLevel(CHANNEL)[0]!;
    expect(JSON.stringify(card.blocks)).toContain(request!.key);
    expect(h.slack.threadReplies(CHANNEL, card.ts).some((m) => m.text?.includes(`Request ${request!.key} opened`))).toBe(true);
    // Every message reached the request, in order, batched: the five arrived within one or two 1.5 s windows.
    const comments = request!.comments.filter((c) => c.public);
    expect(comments.map((c) => c.body).join('\n')).toMatch(/error 41[\s\S]*this morning[\s\S]*blank[\s\S]*beeps[\s\S]*Room 12/);
    expect(comments.length).toBeLessThanOrEqual(2);
  });

  it('raises the request as the integration account when no customer domain is set', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira });
    await h.webhook(says('hello'));
    await settle(h);
    const [request] = [...jira.requests.values()];
    expect(request!.raiseOnBehalfOf).toBeUndefined();
    expect(jira.customers.size).toBe(0);
  });

  it('falls back to the integration account when creating customers is not permitted', async () => {
    jira = await fakeJiraSite(false);
    h = await startHarness({ jira, env: { JIRA_CUSTOMER_EMAIL_DOMAIN: 'whatsapp.example.com' } });
    await h.webhook(says('hello'));
    await settle(h);
    expect(jira.requests.size).toBe(1);
    expect([...jira.requests.values()][0]!.raiseOnBehalfOf).toBeUndefined();
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });

  it('adds agents’ replies as public comments and internal notes as internal ones', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, slack: { users: [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }] } });
    await h.webhook(says('hello'));
    await settle(h);
    const card = h.slack.topLevel(CHANNEL)[0]!.ts;
    const reply = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'We are on it', thread_ts: card });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'We are on it', { ts: reply.ts })));
    const note = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'note: pump serial 123', thread_ts: card });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'note: pump serial 123', { ts: note.ts })));
    await settle(h);
    const [request] = [...jira.requests.values()];
    expect(request!.comments.filter((c) => c.public).map((c) => c.body).join('\n')).toContain('Ana Souza from Slack');
    const internal = request!.comments.filter((c) => !c.public);
    expect(internal).toHaveLength(1);
    expect(internal[0]!.body).toContain('pump serial 123');
    expect(internal[0]!.body).not.toContain('note:');
  });

  it('follows status changes from a signed webhook, and after resolution raises a new request after a divider', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, env: { JIRA_RESOLVED_MESSAGE: 'Your request was resolved. Write again any time.' } });
    await h.webhook(says('first problem'));
    await settle(h);
    const key = [...jira.requests.keys()][0]!;
    const card = h.slack.topLevel(CHANNEL)[0]!;

    const progress = JSON.stringify(issueUpdated(key, 'In progress', 'indeterminate'));
    expect((await fetch(`${h.base}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': sign(progress), 'x-atlassian-webhook-identifier': 'delivery-1' }, body: progress })).status).toBe(200);
    // Jira retries with the same identifier: applied once.
    await fetch(`${h.base}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': sign(progress), 'x-atlassian-webhook-identifier': 'delivery-1' }, body: progress });
    await settle(h);
    const thread = () => h.slack.threadReplies(CHANNEL, card.ts).map((m) => m.text ?? '');
    expect(thread().filter((t) => t.includes(`${key}: Waiting for support → In progress`))).toHaveLength(1);
    expect(JSON.stringify(h.slack.state.messages.find((m) => m.ts === card.ts)!.blocks)).toContain('In progress');

    // An automation rule carries the secret in a header instead of signing.
    expect((await jiraWebhook(h, issueUpdated(key, 'Resolved', 'done'), { 'x-switchboard-secret': JIRA_SECRET })).status).toBe(200);
    await settle(h);
    expect(thread().some((t) => t.includes(`Request ${key} is resolved`) && t.includes('────'))).toBe(true);
    expect(h.graph.sent.map((s) => (s.text as { body: string } | undefined)?.body)).toContain('Your request was resolved. Write again any time.');

    // An agent's thanks after the resolution goes to the resolved request; it opens nothing new.
    const thanks = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'Glad we could help', thread_ts: card.ts });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card.ts, 'Glad we could help', { ts: thanks.ts })));
    await settle(h);
    expect(jira.requests.size).toBe(1);
    expect(jira.requests.get(key)!.comments.map((c) => c.body).join('\n')).toContain('Glad we could help');

    await h.webhook(says('a new problem'));
    await settle(h);
    expect(jira.requests.size).toBe(2);
    const newKey = [...jira.requests.keys()][1]!;
    expect(thread().some((t) => t.includes(`Request ${newKey} opened`))).toBe(true);
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
  });

  it('refuses a Jira webhook without the right signature or secret', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira });
    const body = JSON.stringify(issueUpdated('SUP-1', 'Done', 'done'));
    expect((await fetch(`${h.base}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    expect((await fetch(`${h.base}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': 'sha256=' + '0'.repeat(64) }, body })).status).toBe(401);
    expect((await jiraWebhook(h, issueUpdated('SUP-1', 'Done', 'done'), { 'x-switchboard-secret': 'wrong' })).status).toBe(401);
  });

  it('shows the SLAs on the card and warns once in the thread before a breach', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, env: { JIRA_SLA_WARN_MINUTES: '30' } });
    await h.webhook(says('hello'));
    await settle(h);
    const key = [...jira.requests.keys()][0]!;
    jira.setSla(key, [
      { name: 'Time to first response', ongoing: { remainingMs: 20 * 60_000 } },
      { name: 'Time to resolution', ongoing: { remainingMs: 7 * 3_600_000 } },
    ]);
    expect(await h.app.jiraQueue.scheduleSlaRefresh()).toBe(1);
    // The same period does not schedule a second refresh (several instances share one schedule).
    expect(await h.app.jiraQueue.scheduleSlaRefresh()).toBe(0);
    await settle(h);
    const card = h.slack.topLevel(CHANNEL)[0]!;
    const blocks = JSON.stringify(h.slack.state.messages.find((m) => m.ts === card.ts)!.blocks);
    expect(blocks).toContain('Time to first response: 20m left');
    expect(blocks).toContain('Time to resolution: 7h left');
    const warnings = () => h.slack.threadReplies(CHANNEL, card.ts).filter((m) => m.text?.includes('about to be breached'));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.text).toContain('Time to first response');
  });

  it('retries Jira through the queue without holding back Slack', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira });
    jira.mode = '503';
    await h.webhook(says('while Jira is down'));
    await h.drain(2_000).catch(() => undefined);
    // A second message while Jira's jobs are backing off: it must not wait behind them.
    await h.webhook(says('still down'));
    await h.drain(2_000).catch(() => undefined);
    const card = h.slack.topLevel(CHANNEL)[0]!;
    expect(h.slack.threadReplies(CHANNEL, card.ts).map((m) => m.text)).toEqual(expect.arrayContaining(['while Jira is down', 'still down']));
    expect(jira.requests.size).toBe(0);
    jira.mode = undefined;
    await h.drain(30_000);
    await settle(h);
    expect(jira.requests.size).toBe(1);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });
});

describe('without Jira', () => {
  it('raises no tickets and makes no errors', async () => {
    const h = await startHarness();
    try {
      await h.webhook(says('hello'));
      await h.drain();
      const kinds = await sqlDb(h.app.store).selectFrom('jobs').select('kind').execute();
      expect(kinds.every((k) => !k.kind.startsWith('jira.'))).toBe(true);
      expect((await fetch(`${h.base}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
      expect(await h.app.outbox.recentDead(5)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
