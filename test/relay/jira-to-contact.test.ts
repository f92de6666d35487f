import { afterEach, describe, expect, it } from 'vitest';
import type { FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, startHarness, type Harness } from '../support/harness.js';
import { issueUpdated, says, settle } from '../support/jira-chat.js';
import { cardBlocks, cardButtons, commentWebhook, issueDeleted, signedJiraWebhook, threadTexts } from '../support/card-actions.js';

const sentTexts = (h: Harness) => h.graph.sent.map((s) => (s.text as { body: string } | undefined)?.body);

/** Jira → the conversation: comments written in Jira, requests reopened or deleted there. */
describe('Jira to the contact', () => {
  let h: Harness;
  let jira: FakeJira;
  afterEach(async () => {
    await h?.close();
    await jira?.close();
  });

  async function conversationWithRequest() {
    jira = await fakeJiraSite();
    h = await startHarness({ jira });
    await h.webhook(says('The printer in ward 3 jams'));
    await settle(h);
    return [...jira.requests.values()][0]!;
  }

  it('sends a person’s public comment to the contact and shows it in the thread as from Jira, by them', async () => {
    const request = await conversationWithRequest();
    const carla = { accountId: jira.addAgent('carla.dias@clinic.example.com', 'Carla Dias'), displayName: 'Carla Dias' };
    const body = commentWebhook(request.key, { body: 'We are sending a technician today.', isPublic: true, author: carla });
    expect((await signedJiraWebhook(h, body)).status).toBe(200);
    // Jira retries a delivery it thinks failed: shown and sent once.
    expect((await signedJiraWebhook(h, body)).status).toBe(200);
    await settle(h);
    expect(sentTexts(h)).toEqual(['*Carla Dias:*\nWe are sending a technician today.']);
    const shown = threadTexts(h).filter((t) => t.includes('From Jira, by Carla Dias'));
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('We are sending a technician today.');
  });

  it('sends a public comment on the retry when WhatsApp failed its first send without taking it', async () => {
    const request = await conversationWithRequest();
    const carla = { accountId: jira.addAgent('carla.dias@clinic.example.com', 'Carla Dias'), displayName: 'Carla Dias' };
    // A 503: nothing went out. The retry sends it (it used to find the first attempt's intent and skip it, silently).
    h.graph.failNext('send', { status: 503, code: 2 });
    expect((await signedJiraWebhook(h, commentWebhook(request.key, { body: 'The part ships tomorrow.', isPublic: true, author: carla }))).status).toBe(200);
    await settle(h, 200, 30_000);
    expect(sentTexts(h)).toEqual(['*Carla Dias:*\nThe part ships tomorrow.']);
    expect(threadTexts(h).filter((t) => t.includes('The part ships tomorrow.'))).toHaveLength(1);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });

  it('shows an internal comment in the thread only, marked internal', async () => {
    const request = await conversationWithRequest();
    const carla = { accountId: jira.addAgent('carla.dias@clinic.example.com', 'Carla Dias'), displayName: 'Carla Dias' };
    await signedJiraWebhook(h, commentWebhook(request.key, { body: 'Vendor ticket 4471 opened.', isPublic: false, author: carla }));
    await settle(h);
    expect(sentTexts(h)).toEqual([]);
    expect(threadTexts(h).some((t) => t.includes(':lock: Internal comment in Jira by Carla Dias') && t.includes('Vendor ticket 4471 opened.'))).toBe(true);
  });

  it('does not echo the bridge’s own comments (the integration account) or an automation’s', async () => {
    const request = await conversationWithRequest();
    // What the bridge itself copied to the request: its lines, as the integration account.
    const own = request.comments[0]!;
    await signedJiraWebhook(h, commentWebhook(request.key, { id: own.id, body: own.body, isPublic: true, author: { accountId: jira.accountId, displayName: 'Switchboard Integration' } }));
    await signedJiraWebhook(h, commentWebhook(request.key, { body: 'Automatic reply: received.', isPublic: true, author: { accountId: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077', displayName: 'Automation for Jira', accountType: 'app' } }));
    await settle(h);
    expect(sentTexts(h)).toEqual([]);
    expect(threadTexts(h).some((t) => t.includes('From Jira'))).toBe(false);
  });

  it('shows a JSM customer’s own comment in the thread without sending it back to the contact', async () => {
    const request = await conversationWithRequest();
    const customer = { accountId: jira.addCustomer('16505551234@whatsapp.example.com', 'Sheena Nelson', ['1']), displayName: 'Sheena Nelson', accountType: 'customer' };
    await signedJiraWebhook(h, commentWebhook(request.key, { body: 'Writing from the portal.', isPublic: true, author: customer }));
    await settle(h);
    expect(sentTexts(h)).toEqual([]);
    expect(threadTexts(h).some((t) => t.includes('From Jira, by Sheena Nelson') && t.includes('Writing from the portal.'))).toBe(true);
  });

  it('continues a resolved request reopened in Jira: card, thread, and the next message goes to it', async () => {
    const request = await conversationWithRequest();
    jira.setStatus(request.key, 'Resolved', 'DONE');
    await signedJiraWebhook(h, issueUpdated(request.key, 'Resolved', 'done'));
    await settle(h);
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_reopen']);
    jira.setStatus(request.key, 'In progress', 'INDETERMINATE');
    await signedJiraWebhook(h, issueUpdated(request.key, 'In progress', 'indeterminate'));
    await settle(h);
    expect(threadTexts(h).some((t) => t.includes(`Request ${request.key} was reopened in Jira: the conversation continues in it.`))).toBe(true);
    expect(cardBlocks(h)).toContain('In progress');
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_waiting', 'switchboard_resolve']);

    await h.webhook(says('It jams again'));
    await settle(h);
    expect(jira.requests.size).toBe(1);
    expect(request.comments.map((c) => c.body).join('\n')).toContain('It jams again');
    expect(threadTexts(h).filter((t) => t.includes('opened in Jira Service Management'))).toHaveLength(1);
  });

  it('shows a deleted request as deleted, and the next message raises a new one', async () => {
    const request = await conversationWithRequest();
    jira.deleteRequest(request.key);
    expect((await signedJiraWebhook(h, issueDeleted(request.key))).status).toBe(200);
    await settle(h);
    expect(cardBlocks(h)).toContain(`~${request.key}~ · deleted in Jira`);
    expect(threadTexts(h)).toContain(`:wastebasket: Request ${request.key} was deleted in Jira. The contact’s next message raises a new request.`);
    expect(threadTexts(h).some((t) => t.includes('→'))).toBe(false);

    await h.webhook(says('Hello again'));
    await settle(h);
    const [next] = [...jira.requests.values()];
    expect(next).toBeDefined();
    expect(next!.key).not.toBe(request.key);
    expect(cardBlocks(h)).toContain(next!.key);
    expect(cardBlocks(h)).not.toContain('deleted in Jira');
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });
});
