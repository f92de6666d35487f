/**
 * Issue 12's "Done when", as one story: a conversation started from Slack with a template, answered by
 * the contact, claimed, answered with a saved reply, set to waiting, resolved with a closing message
 * and reopened, without leaving Slack; at each step the Slack card and thread and the fake Jira tell
 * the same story. Slack drives it only through signed payloads (shortcut, block_actions,
 * view_submission, slash command), over the Events API and over Socket Mode.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeTemplate } from '../fakes/graph.js';
import type { FakeJira } from '../fakes/jira.js';
import { createFakeSocketMode, type FakeSocketMode } from '../fakes/slack-socket.js';
import { ANA, auditOf, cardBlocks, cardButtons, cardClick, cardOf, RESOLVE_MODAL, threadTexts } from '../support/card-actions.js';
import { CHANNEL, fakeJiraSite, startHarness, type Harness } from '../support/harness.js';
import { settle } from '../support/jira-chat.js';
import { readManifest } from '../support/manifest.js';
import { globalShortcut, messageShortcut, modal, picked, slashCommand, typed, values, viewAction, viewSubmission } from '../support/slack-interactions.js';
import { until } from '../support/until.js';
import { textWebhook, WA_ID } from '../support/webhooks.js';

/** Meta's example WhatsApp Business Account id. */
const WABA = '102290129340398';
const REMINDER: FakeTemplate = { name: 'appointment_reminder', language: 'en_US', body: 'Hello {{1}}, your appointment at {{2}} is confirmed.' };
const APP_TOKEN = 'xapp-1-A0FAKEAPP1-1-0123456789abcdef';

/** How the test reaches the app: signed HTTP posts to /slack/events, or Socket Mode envelopes. */
interface SlackDriver {
  /** An interactivity payload or a slash command, form-encoded as Slack posts it; answers what the app acknowledged with. */
  interact(form: string): Promise<unknown>;
}

function overHttp(h: Harness): SlackDriver {
  return {
    async interact(form) {
      const res = await h.slackEvent(undefined, { form });
      expect(res.status).toBe(200);
      const text = await res.text();
      return text ? (JSON.parse(text) as unknown) : undefined;
    },
  };
}

function overSocket(socket: FakeSocketMode): SlackDriver {
  const deliver = async (envelope: Parameters<FakeSocketMode['deliver']>[0]) => {
    const delivery = await socket.deliver(envelope, { timeoutMs: 15_000 });
    if (!delivery.acked) throw new Error(`Socket Mode envelope ${envelope.type} was not acknowledged`);
    return delivery.payload;
  };
  return {
    async interact(form) {
      const fields = new URLSearchParams(form);
      const payload = fields.get('payload');
      // Interactivity comes as `interactive` envelopes carrying the payload object; slash commands as their fields.
      const answer = payload ? await deliver({ type: 'interactive', payload: JSON.parse(payload) as unknown }) : await deliver({ type: 'slash_commands', payload: Object.fromEntries(fields) });
      return answer && typeof answer === 'object' && Object.keys(answer).length > 0 ? answer : undefined;
    },
  };
}

const sentTexts = (h: Harness) => h.graph.sent.filter((m) => m.type === 'text').map((m) => (m.text as { body: string }).body);

async function story(h: Harness, jira: FakeJira, slack: SlackDriver): Promise<void> {
  const anaInJira = jira.addAgent(ANA.email, 'Ana Souza');

  // A saved reply, kept from /whatsapp replies.
  await slack.interact(slashCommand(h.slack, 'replies'));
  const form = values({ reply_name: typed('followup'), reply_text: typed('Hi {name}, {agent} here: your request {ticket} is with our technician.') });
  expect(await slack.interact(viewSubmission(h.slack, modal(h.slack, 'switchboard_replies'), form))).toBeUndefined();
  expect((await h.app.store.savedReplies.list()).map((r) => r.name)).toEqual(['followup']);

  // 1. Start: the shortcut opens the modal, a template is picked (the modal grows its variables), it is sent.
  await slack.interact(globalShortcut(h.slack, 'switchboard_start'));
  await slack.interact(viewAction(h.slack, modal(h.slack, 'switchboard_start'), { actionId: 'switchboard_pick_template', blockId: 'template', value: 'appointment_reminder|en_US', select: true }));
  const startForm = values(
    { phone: typed('+1 (650) 555-1234'), name: typed('Sheena'), template: picked('appointment_reminder|en_US'), var_1: typed('Sheena'), var_2: typed('10:00') },
    { template: 'switchboard_pick_template', var_1: 'switchboard_template_var', var_2: 'switchboard_template_var' },
  );
  expect(await slack.interact(viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startForm))).toBeUndefined();
  await h.drain();
  expect(h.graph.sent).toEqual([expect.objectContaining({ to: WA_ID, type: 'template', template: expect.objectContaining({ name: 'appointment_reminder' }) })]);
  expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
  const card = cardOf(h).ts;
  // The card is complete from its first post: who started it, owner, status, buttons, the resolve: hint.
  expect(cardOf(h).edits).toHaveLength(0);
  expect(cardBlocks(h)).toContain('Conversation started from Slack by');
  expect(cardBlocks(h)).toContain('Nobody yet');
  expect(cardBlocks(h)).toContain('reply in the thread starting with resolve:');
  expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_waiting', 'switchboard_resolve']);
  expect(threadTexts(h)[0]).toContain('Ana Souza started the conversation with the template appointment_reminder');
  expect(jira.requests.size).toBe(0);

  // 2. The contact answers: the message lands in the thread, and Jira's request is raised with the template first.
  expect((await h.webhook(textWebhook('wamid.story-answer', 'Can we make it 11:00?', { timestamp: Math.floor(Date.now() / 1000) - 30 }))).status).toBe(200);
  await settle(h);
  await until(() => jira.requests.size === 1 && [...jira.requests.values()][0]!.comments.length > 0, 'the request with the conversation');
  const request = [...jira.requests.values()][0]!;
  expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
  expect(threadTexts(h)).toContain('Can we make it 11:00?');
  expect(threadTexts(h).some((t) => t.includes(`Request ${request.key} opened in Jira Service Management`))).toBe(true);
  expect(cardBlocks(h)).toContain(`|${request.key}> · Waiting for support`);
  expect(request.comments.map((c) => c.body).join('\n')).toMatch(/\[appointment_reminder\] Hello Sheena, your appointment at 10:00 is confirmed\.[\s\S]*Can we make it 11:00\?/);
  const contactMessage = h.slack.threadReplies(CHANNEL, card).find((m) => m.text === 'Can we make it 11:00?')!;

  // 3. Claim: Ana owns it in Slack, and the request is assigned to the Jira user with her e-mail.
  await slack.interact(cardClick({ cardTs: card, action: 'claim' }));
  await settle(h);
  expect(request.assignee).toBe(anaInJira);
  expect(cardBlocks(h)).toContain('Ana Souza (assigned in Jira)');
  expect(cardButtons(h)).toEqual(['switchboard_release', 'switchboard_waiting', 'switchboard_resolve']);
  expect(threadTexts(h)).toContain(':raising_hand: Ana Souza took this conversation.');

  // 4. A saved reply, from the message shortcut on the contact's message: filled in, sent, and in Jira.
  await slack.interact(messageShortcut(h.slack, { callbackId: 'switchboard_saved_reply', channel: CHANNEL, messageTs: contactMessage.ts, threadTs: card }));
  expect(await slack.interact(viewSubmission(h.slack, modal(h.slack, 'switchboard_saved_reply'), values({ reply: picked('followup') })))).toBeUndefined();
  await settle(h);
  const filled = `Hi Sheena Nelson, Ana Souza here: your request ${request.key} is with our technician.`;
  expect(sentTexts(h)).toEqual([`*Ana Souza:*\n${filled}`]);
  expect(threadTexts(h).some((t) => t.includes('Ana Souza sent the saved reply followup') && t.includes(filled))).toBe(true);
  await until(() => request.comments.some((c) => c.public && c.body.includes(filled)), 'the saved reply in the request');

  // 5. Waiting for customer: Jira's transition, the card's status.
  await slack.interact(cardClick({ cardTs: card, action: 'waiting' }));
  await settle(h);
  expect(request.status).toBe('Waiting for customer');
  expect(cardBlocks(h)).toContain('*Status*\\nWaiting for customer');
  expect(cardButtons(h)).toEqual(['switchboard_release', 'switchboard_resolve', 'switchboard_reopen']);
  expect(threadTexts(h)).toContain(':hourglass_flowing_sand: Ana Souza set this conversation to waiting for the customer.');

  // 6. Resolve with a closing message: Resolve opens a modal, the message typed there goes to the contact, then it resolves.
  await slack.interact(cardClick({ cardTs: card, action: 'resolve', triggerId: h.slack.issueTrigger() }));
  const closing = values({ closing: typed('Your appointment is moved to 11:00. See you then!') });
  expect(await slack.interact(viewSubmission(h.slack, modal(h.slack, RESOLVE_MODAL), closing))).toBeUndefined();
  await settle(h);
  expect(sentTexts(h).at(-1)).toBe('*Ana Souza:*\nYour appointment is moved to 11:00. See you then!');
  expect(sentTexts(h)).not.toContain('Your request was resolved.');
  expect(request.status).toBe('Resolved');
  expect(cardBlocks(h)).toContain(`|${request.key}> · Resolved`);
  expect(cardButtons(h)).toEqual(['switchboard_release', 'switchboard_reopen']);
  expect(cardBlocks(h)).not.toContain('starting with resolve:');
  expect(threadTexts(h).filter((t) => t.includes(`Request ${request.key} is resolved`))).toHaveLength(1);
  await until(() => request.comments.some((c) => c.public && c.body.includes('Your appointment is moved to 11:00')), 'the closing message in the request');

  // 7. Reopen: the request goes back to the team, the card and thread say so.
  await slack.interact(cardClick({ cardTs: card, action: 'reopen' }));
  await settle(h);
  expect(request.status).toBe('Waiting for support');
  expect(cardBlocks(h)).toContain(`|${request.key}> · Waiting for support`);
  expect(cardButtons(h)).toEqual(['switchboard_release', 'switchboard_waiting', 'switchboard_resolve']);
  expect(threadTexts(h)).toContain(':leftwards_arrow_with_hook: Ana Souza reopened this conversation.');

  // The same story in Jira: one request, assigned to Ana, its transitions in order, the conversation in its comments.
  expect(jira.requests.size).toBe(1);
  expect(request.assignee).toBe(anaInJira);
  expect(request.transitionsDone.map((t) => `${t.from} → ${t.to}`)).toEqual(['Waiting for support → Waiting for customer', 'Waiting for customer → Resolved', 'Resolved → Waiting for support']);
  const publicLines = request.comments.filter((c) => c.public).map((c) => c.body);
  const order = ['[appointment_reminder]', 'Can we make it 11:00?', filled, 'Your appointment is moved to 11:00'].map((text) => publicLines.findIndex((b) => b.includes(text)));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  // And every press in the audit, by Ana.
  expect((await auditOf(h)).map((a) => [a.action, a.userId, a.applied])).toEqual([
    ['claim', ANA.id, true],
    ['waiting', ANA.id, true],
    ['resolve', ANA.id, true],
    ['reopen', ANA.id, true],
  ]);
  expect(await h.app.outbox.recentDead(10)).toEqual([]);
  expect(h.slack.scopeViolations()).toEqual([]);
}

describe('an agent runs a whole conversation from Slack, and Jira shows the same story', () => {
  let h: Harness | undefined;
  let jira: FakeJira | undefined;
  let socket: FakeSocketMode | undefined;
  afterEach(async () => {
    await h?.close();
    await jira?.close();
    await socket?.close();
    h = jira = socket = undefined;
  });

  const env = { WHATSAPP_BUSINESS_ACCOUNT_ID: WABA, JIRA_RESOLVED_MESSAGE: 'Your request was resolved.' };
  const graph = { templates: [REMINDER] };

  it('over the Events API (signed HTTP posts), with exactly the manifest’s scopes', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, env, graph, slack: { users: [ANA], scopes: readManifest().botScopes, enforceScopes: true } });
    await story(h, jira, overHttp(h));
  });

  it('over Socket Mode', async () => {
    jira = await fakeJiraSite();
    socket = await createFakeSocketMode({ appId: 'A0FAKEAPP1' });
    h = await startHarness({ jira, env: { ...env, SLACK_APP_TOKEN: APP_TOKEN }, graph, slack: { users: [ANA], appToken: APP_TOKEN, socketModeUrl: socket.issueUrl } });
    await socket.waitForConnections(1);
    await story(h, jira, overSocket(socket));
  });
});
