import { afterEach, describe, expect, it } from 'vitest';
import type { FakeTemplate } from '../fakes/graph.js';
import type { FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, startHarness, type Harness } from '../support/harness.js';
import { AGENT, buttonClick, eventCallback, threadReply } from '../support/slack-events.js';
import { globalShortcut, modal, picked, slashCommand, typed, values, viewAction, viewSubmission } from '../support/slack-interactions.js';
import { until } from '../support/until.js';
import { textWebhook, WA_ID } from '../support/webhooks.js';
import { startWebHarness } from '../support/web-harness.js';
import { fixtureMessage } from '../whatsapp-web/support.js';

/** Meta's example WhatsApp Business Account id (webhook and template-management examples). */
const WABA = '102290129340398';
const REMINDER: FakeTemplate = { name: 'appointment_reminder', language: 'en_US', body: 'Hello {{1}}, your appointment at {{2}} is confirmed.' };
const TEMPLATES: FakeTemplate[] = [
  { name: 'hello_world', language: 'en_US', body: 'Welcome and congratulations!!' },
  REMINDER,
  { name: 'reopen_conversation', language: 'en_US', body: 'We would like to continue our conversation.' },
  { name: 'reopen_conversation', language: 'pt_BR', body: 'Gostaríamos de continuar nossa conversa.' },
];
const users = [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }];

function cloudHarness(env: Record<string, string> = {}) {
  return startHarness({ env: { WHATSAPP_BUSINESS_ACCOUNT_ID: WABA, ...env }, graph: { templates: TEMPLATES }, slack: { users } });
}

/** Opens the start modal with the global shortcut and picks a template (the view is redrawn with its variables). */
async function openAndPick(h: Harness, template: FakeTemplate): Promise<void> {
  expect((await h.slackEvent(undefined, { form: globalShortcut(h.slack, 'switchboard_start') })).status).toBe(200);
  const opened = modal(h.slack, 'switchboard_start');
  const res = await h.slackEvent(undefined, { form: viewAction(h.slack, opened, { actionId: 'switchboard_pick_template', blockId: 'template', value: `${template.name}|${template.language}`, select: true }) });
  expect(res.status).toBe(200);
}

function startValues(phone: string, vars: string[], template = REMINDER) {
  const fields: Record<string, ReturnType<typeof typed> | ReturnType<typeof picked>> = { phone: typed(phone), name: typed('Sheena'), template: picked(`${template.name}|${template.language}`) };
  vars.forEach((v, i) => (fields[`var_${i + 1}`] = typed(v)));
  const actions = Object.fromEntries(vars.map((_, i) => [`var_${i + 1}`, 'switchboard_template_var']));
  return values(fields, { template: 'switchboard_pick_template', ...actions });
}

const cardOf = (h: Harness) => h.slack.topLevel(CHANNEL);

describe('starting a conversation from Slack', () => {
  let h: Harness;
  let jira: FakeJira | undefined;
  afterEach(async () => {
    if (h) expect(await h.app.outbox.recentDead(10)).toHaveLength(0);
    await h?.close();
    await jira?.close();
    jira = undefined;
  });

  it('answers an invalid number with an error in the modal and sends nothing', async () => {
    h = await cloudHarness();
    await openAndPick(h, REMINDER);
    const res = await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startValues('+1 650 555', ['Sheena', '10:00'])) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_action: 'errors', errors: { phone: expect.stringContaining('not a valid phone number') } });
    await h.drain();
    expect(h.graph.sent).toHaveLength(0);
    expect(cardOf(h)).toHaveLength(0);
  });

  it('sends the template with its variables, opens the card and thread, and the contact’s answer lands there', async () => {
    h = await cloudHarness();
    // /whatsapp opens the same modal as the shortcut.
    expect((await h.slackEvent(undefined, { form: slashCommand(h.slack, '') })).status).toBe(200);
    const opened = modal(h.slack, 'switchboard_start');
    expect(JSON.stringify(opened.view.blocks)).toContain('appointment_reminder|en_US');
    await h.slackEvent(undefined, { form: viewAction(h.slack, opened, { actionId: 'switchboard_pick_template', blockId: 'template', value: 'appointment_reminder|en_US', select: true }) });
    const picker = modal(h.slack, 'switchboard_start');
    expect(picker.updates).toBe(1);
    const blockIds = (picker.view.blocks as Array<{ block_id?: string }>).map((b) => b.block_id);
    expect(blockIds).toEqual(expect.arrayContaining(['phone', 'name', 'template', 'var_1', 'var_2', 'preview']));

    const res = await h.slackEvent(undefined, { form: viewSubmission(h.slack, picker, startValues('+1 (650) 555-1234', ['Sheena', '10:00'])) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await h.drain();

    expect(h.graph.sent).toEqual([
      expect.objectContaining({
        to: WA_ID,
        type: 'template',
        template: { name: 'appointment_reminder', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Sheena' }, { type: 'text', text: '10:00' }] }] },
      }),
    ]);
    const [card] = cardOf(h);
    expect(cardOf(h)).toHaveLength(1);
    expect(card!.text).toContain('+1 650 555 1234');
    expect(JSON.stringify(card!.blocks)).toContain(`Conversation started from Slack by <@${AGENT}>`);
    const line = h.slack.threadReplies(CHANNEL, card!.ts)[0]!;
    expect(line.text).toContain('Ana Souza started the conversation with the template appointment_reminder');
    expect(line.text).toContain('Hello Sheena, your appointment at 10:00 is confirmed.');

    // The contact answers: the message lands in that thread, and the card keeps saying who started it.
    expect((await h.webhook(textWebhook('wamid.answer-1', 'Thanks, see you then'))).status).toBe(200);
    await h.drain();
    expect(cardOf(h)).toHaveLength(1);
    expect(h.slack.threadReplies(CHANNEL, card!.ts).at(-1)!.text).toContain('Thanks, see you then');
    const redrawn = h.slack.state.messages.find((m) => m.ts === card!.ts)!;
    expect(redrawn.edits.length).toBeGreaterThan(0);
    expect(JSON.stringify(redrawn.blocks)).toContain('Conversation started from Slack by');
  });

  it('opens the modal at once when Graph is slow to list the templates, and fills them in when they arrive', async () => {
    h = await cloudHarness();
    h.graph.delay('templates', 2_500);
    const res = await h.slackEvent(undefined, { form: globalShortcut(h.slack, 'switchboard_start') });
    expect(res.status).toBe(200);
    // Opened within the trigger's 3 seconds (the fake refuses a later views.open), saying it is loading.
    expect(h.slack.calls('views.open').map((c) => c.error)).toEqual([undefined]);
    expect(JSON.stringify(modal(h.slack, 'switchboard_start').view.blocks)).toContain('Loading the account’s templates');
    await until(() => modal(h.slack, 'switchboard_start').updates === 1, 'the templates in the modal');
    expect(JSON.stringify(modal(h.slack, 'switchboard_start').view.blocks)).toContain('appointment_reminder|en_US');
    h.graph.delay('templates', 0);
  });

  it('with Jira: the request the contact’s answer raises starts with the template the agent sent', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, env: { WHATSAPP_BUSINESS_ACCOUNT_ID: WABA }, graph: { templates: TEMPLATES }, slack: { users } });
    await openAndPick(h, REMINDER);
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startValues('+16505551234', ['Sheena', '10:00'])) });
    await h.drain();
    expect(jira.requests.size).toBe(0);
    await h.webhook(textWebhook('wamid.answer-j', 'I will be there'));
    await until(() => [...jira!.requests.values()].some((r) => r.comments.some((c) => c.body.includes('I will be there'))), 'the answer in the request');
    const comments = [...jira.requests.values()][0]!.comments.map((c) => c.body).join('\n');
    expect(comments).toMatch(/Ana Souza[^\n]*\n\[appointment_reminder\] Hello Sheena, your appointment at 10:00 is confirmed\.[\s\S]*I will be there/);
  });

  it('redraws the preview with what was typed, and asks for a variable left empty', async () => {
    h = await cloudHarness();
    await openAndPick(h, REMINDER);
    const typedSoFar = startValues('+16505551234', ['Sheena', '']);
    await h.slackEvent(undefined, { form: viewAction(h.slack, modal(h.slack, 'switchboard_start'), { actionId: 'switchboard_template_var', blockId: 'var_1', value: 'Sheena' }, typedSoFar) });
    const preview = (modal(h.slack, 'switchboard_start').view.blocks as Array<{ block_id?: string; text?: { text: string } }>).find((b) => b.block_id === 'preview');
    expect(preview?.text?.text).toContain('Hello Sheena, your appointment at {{2}} is confirmed.');
    const res = await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), typedSoFar) });
    expect(await res.json()).toEqual({ response_action: 'errors', errors: { var_2: expect.stringContaining('Fill this in') } });
    await h.drain();
    expect(h.graph.sent).toHaveLength(0);
  });

  it('does not send a template twice when Graph’s answer is lost, and a later status settles it', async () => {
    h = await cloudHarness();
    await openAndPick(h, REMINDER);
    h.graph.failNext('send', { acceptThenDrop: true });
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startValues('+16505551234', ['Sheena', '10:00'])) });
    await h.drain();
    expect(h.graph.messages.map((m) => m.outcome)).toEqual(['dropped']);
    const [card] = cardOf(h);
    const thread = h.slack.threadReplies(CHANNEL, card!.ts);
    expect(thread.at(-1)!.text).toContain('may or may not have gone out');
    const line = thread.find((m) => m.text?.includes('started the conversation'))!;
    expect(line.reactions.map((r) => r.name)).toEqual(['grey_question']);
    await h.webhook(h.graph.statusWebhook(h.graph.messages[0]!.wamid, 'delivered'));
    await h.drain();
    expect(h.graph.messages).toHaveLength(1);
    expect(h.slack.state.messages.find((m) => m.ts === line.ts)!.reactions.map((r) => r.name)).toEqual(['white_check_mark']);
  });

  it('reuses the card of a contact who already has one', async () => {
    h = await cloudHarness();
    await h.webhook(textWebhook('wamid.first', 'Hello'));
    await h.drain();
    const [card] = cardOf(h);
    await openAndPick(h, REMINDER);
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startValues('16505551234', ['Sheena', '09:30'])) });
    await h.drain();
    expect(cardOf(h)).toHaveLength(1);
    expect(h.graph.sent).toHaveLength(1);
    expect(h.slack.threadReplies(CHANNEL, card!.ts).at(-1)!.text).toContain('your appointment at 09:30');
  });

  it('sends once when the same submission arrives twice', async () => {
    h = await cloudHarness();
    await openAndPick(h, REMINDER);
    const submission = viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startValues('+16505551234', ['Sheena', '10:00']));
    await h.slackEvent(undefined, { form: submission });
    await h.slackEvent(undefined, { form: submission });
    await h.drain();
    expect(h.graph.sent).toHaveLength(1);
    expect(cardOf(h)).toHaveLength(1);
  });

  it('explains in the thread a template Graph refuses, without retrying it', async () => {
    h = await cloudHarness();
    await openAndPick(h, REMINDER);
    // The account's template changed after the modal was drawn: Graph counts its variables (132000).
    h.graph.failNext('send', { status: 400, code: 132000, message: '(#132000) Number of parameters does not match the expected number of params' });
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), startValues('+16505551234', ['Sheena', '10:00'])) });
    await h.drain();
    const [card] = cardOf(h);
    expect(h.slack.threadReplies(CHANNEL, card!.ts).at(-1)!.text).toContain('132000');
  });
});

describe('the thread’s Send template button', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('opens the template picker with WHATSAPP_TEMPLATE_NAME pre-selected, and sends the chosen template', async () => {
    h = await cloudHarness({ WHATSAPP_TEMPLATE_NAME: 'reopen_conversation', WHATSAPP_TEMPLATE_LANGUAGE: 'pt_BR' });
    await h.webhook(textWebhook('wamid.old', 'Hello', { timestamp: Math.floor((Date.now() - 25 * 60 * 60_000) / 1000) }));
    await h.drain();
    const [card] = cardOf(h);
    const typedReply = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'Are you there?', thread_ts: card!.ts });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card!.ts, 'Are you there?', { ts: typedReply.ts })));
    await h.drain();
    const notice = h.slack.threadReplies(CHANNEL, card!.ts).at(-1)!;
    expect(JSON.stringify(notice.blocks)).toContain('switchboard_send_template');

    const click = buttonClick({ channel: CHANNEL, messageTs: notice.ts, threadTs: card!.ts, actionId: 'switchboard_send_template', value: WA_ID, triggerId: h.slack.issueTrigger() });
    expect((await h.slackEvent(undefined, { form: click })).status).toBe(200);
    const picker = modal(h.slack, 'switchboard_template');
    const select = (picker.view.blocks as Array<{ block_id?: string; element?: { initial_option?: { value: string } } }>).find((b) => b.block_id === 'template');
    expect(select?.element?.initial_option?.value).toBe('reopen_conversation|pt_BR');
    expect(h.graph.sent).toHaveLength(0);

    const state = values({ template: picked('reopen_conversation|pt_BR') }, { template: 'switchboard_pick_template' });
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, picker, state) });
    await h.drain();
    expect(h.graph.sent).toEqual([expect.objectContaining({ to: WA_ID, type: 'template', template: { name: 'reopen_conversation', language: { code: 'pt_BR' } } })]);
    const updated = h.slack.state.messages.find((m) => m.ts === notice.ts)!;
    expect(updated.text).toContain('Template reopen_conversation sent by Ana Souza');
    expect(JSON.stringify(updated.blocks)).not.toContain('switchboard_send_template');
  });

  it('acknowledges a click whose trigger Slack refuses (invalid_trigger_id), and sends nothing', async () => {
    h = await cloudHarness({ WHATSAPP_TEMPLATE_NAME: 'reopen_conversation' });
    await h.webhook(textWebhook('wamid.old2', 'Hello', { timestamp: Math.floor((Date.now() - 25 * 60 * 60_000) / 1000) }));
    await h.drain();
    const [card] = cardOf(h);
    const click = buttonClick({ channel: CHANNEL, messageTs: card!.ts, threadTs: card!.ts, actionId: 'switchboard_send_template', value: WA_ID, triggerId: 'never-issued' });
    expect((await h.slackEvent(undefined, { form: click })).status).toBe(200);
    expect(h.slack.calls('views.open').map((c) => c.error)).toEqual(['invalid_trigger_id']);
    await h.drain();
    expect(h.graph.sent).toHaveLength(0);
  });
});

describe('starting a conversation on WhatsApp Web', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('sends free text, and the contact’s answer lands in the new thread', async () => {
    let sock;
    ({ h, sock } = await startWebHarness({ slack: { users } }));

    await h.slackEvent(undefined, { form: globalShortcut(h.slack, 'switchboard_start') });
    const opened = modal(h.slack, 'switchboard_start');
    expect((opened.view.blocks as Array<{ block_id?: string }>).map((b) => b.block_id)).toEqual(['phone', 'name', 'message']);
    const state = values({ phone: typed('+1 650 555 1234'), name: typed('Sheena'), message: typed('Hello Sheena, this is the clinic about your results.') });
    expect((await h.slackEvent(undefined, { form: viewSubmission(h.slack, opened, state) })).status).toBe(200);
    await h.drain();
    expect(sock.sent).toEqual([expect.objectContaining({ jid: '16505551234@s.whatsapp.net', content: { text: 'Hello Sheena, this is the clinic about your results.' } })]);
    const [card] = cardOf(h);
    expect(JSON.stringify(card!.blocks)).toContain('Conversation started from Slack by');

    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation')] } });
    await until(async () => h.slack.threadReplies(CHANNEL, card!.ts).length === 2, 'the answer in the thread');
    expect(cardOf(h)).toHaveLength(1);
    expect(h.slack.threadReplies(CHANNEL, card!.ts).at(-1)!.text).toBe('Hi, my order #4411 has not arrived yet');
  });
});
