import { afterEach, describe, expect, it } from 'vitest';
import type { FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, startHarness, type Harness } from '../support/harness.js';
import { says, until } from '../support/jira-chat.js';
import { AGENT, eventCallback } from '../support/slack-events.js';
import { messageShortcut, modal, picked, slashCommand, typed, values, viewAction, viewSubmission } from '../support/slack-interactions.js';
import { WA_ID } from '../support/webhooks.js';

const users = [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }];

/** /whatsapp replies, then the form filled and saved. */
async function saveReply(h: Harness, name: string, text: string, file?: string): Promise<Response> {
  expect((await h.slackEvent(undefined, { form: slashCommand(h.slack, 'replies') })).status).toBe(200);
  const fields = { reply_name: typed(name), reply_text: typed(text), ...(file ? { reply_file: typed(file) } : {}) };
  return h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_replies'), values(fields)) });
}

describe('saved replies', () => {
  let h: Harness;
  let jira: FakeJira | undefined;
  afterEach(async () => {
    if (h) expect(await h.app.outbox.recentDead(10)).toHaveLength(0);
    await h?.close();
    await jira?.close();
    jira = undefined;
  });

  it('are saved from /whatsapp replies, inserted with the message shortcut, filled in and delivered once', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, slack: { users } });
    const saved = await saveReply(h, 'welcome', 'Hi {name}, this is {agent}. Your request is {ticket}.', 'https://example.com/visiting-hours.pdf');
    expect(saved.status).toBe(200);
    expect(await saved.text()).toBe('');

    await h.webhook(says('I need to change my appointment'));
    await until('the request to be raised', () => jira!.requests.size === 1);
    await h.drain();
    const [request] = [...jira.requests.values()];
    const card = h.slack.topLevel(CHANNEL)[0]!;
    const contactMessage = h.slack.threadReplies(CHANNEL, card.ts)[0]!;

    // The message shortcut on the contact's message opens the picker of saved replies.
    const opened = await h.slackEvent(undefined, { form: messageShortcut(h.slack, { callbackId: 'switchboard_saved_reply', channel: CHANNEL, messageTs: contactMessage.ts, threadTs: card.ts }) });
    expect(opened.status).toBe(200);
    const picker = modal(h.slack, 'switchboard_saved_reply');
    expect(JSON.stringify(picker.view.blocks)).toContain('"value":"welcome"');

    // Slack delivering the submission twice (a retry) sends it once.
    const submission = viewSubmission(h.slack, picker, values({ reply: picked('welcome') }));
    expect((await h.slackEvent(undefined, { form: submission })).status).toBe(200);
    expect((await h.slackEvent(undefined, { form: submission })).status).toBe(200);
    await h.drain();

    const expected = `Hi Sheena Nelson, this is Ana Souza. Your request is ${request!.key}.\nhttps://example.com/visiting-hours.pdf`;
    const texts = h.graph.sent.filter((m) => m.type === 'text').map((m) => (m.text as { body: string }).body);
    expect(texts).toEqual([`*Ana Souza:*\n${expected}`]);
    expect(h.graph.sent[0]).toMatchObject({ to: WA_ID });
    // The thread shows what went out; its receipts land on that line, as on a typed reply.
    const line = h.slack.threadReplies(CHANNEL, card.ts).find((m) => m.text?.includes('sent the saved reply welcome'))!;
    expect(line.text).toContain(`Your request is ${request!.key}`);
    const wamid = h.graph.messages[0]!.wamid;
    await h.webhook(h.graph.statusWebhook(wamid, 'delivered'));
    await h.drain();
    expect(h.slack.calls('reactions.add').filter((c) => c.params.timestamp === line.ts).map((c) => c.params.name)).toEqual(['white_check_mark']);
    // And Jira gets the line, as for a reply typed in the thread.
    await until('the reply in the Jira request', () => request!.comments.some((c) => c.public && c.body.includes('this is Ana Souza')));
  });

  it('carry a file picked from Slack in the form: sent as a document after the text, kept when the reply is edited', async () => {
    h = await startHarness({ slack: { users }, env: { SIGN_REPLIES: 'false' } });
    const pdf = Buffer.from('%PDF-1.4 visiting hours');
    // What the form's file_input hands over: Slack's file object (the agent uploaded it in the modal).
    const uploaded = h.slack.addPrivateFile(pdf, { name: 'visiting-hours.pdf', mimetype: 'application/pdf' });
    const upload = { type: 'file_input', files: [{ id: uploaded.id, name: uploaded.name, title: uploaded.title, mimetype: uploaded.mimetype, filetype: 'pdf', size: uploaded.length, url_private: uploaded.url_private }] };
    await h.slackEvent(undefined, { form: slashCommand(h.slack, 'replies') });
    const form = modal(h.slack, 'switchboard_replies');
    expect(JSON.stringify(form.view.blocks)).toContain('"type":"file_input"');
    const state = { ...values({ reply_name: typed('hours'), reply_text: typed('Our visiting hours, {name}:') }), reply_upload: { reply_upload: upload } };
    expect(await (await h.slackEvent(undefined, { form: viewSubmission(h.slack, form, state) })).text()).toBe('');

    // Edited without picking another file: the form says which one it keeps, and keeps it.
    await h.slackEvent(undefined, { form: slashCommand(h.slack, 'replies') });
    await h.slackEvent(undefined, { form: viewAction(h.slack, modal(h.slack, 'switchboard_replies'), { actionId: 'switchboard_reply_menu', blockId: 'hours', value: 'edit:hours', select: true }) });
    const editing = modal(h.slack, 'switchboard_replies');
    expect(JSON.stringify(editing.view.blocks)).toContain('visiting-hours.pdf. Pick another file to replace it.');
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, editing, values({ reply_name: typed('hours'), reply_text: typed('Our visiting hours, {name}.') })) });
    expect((await h.app.store.savedReplies.get('hours'))?.file).toMatchObject({ id: uploaded.id, name: 'visiting-hours.pdf' });

    await h.webhook(says('When can I visit?'));
    await h.drain();
    const card = h.slack.topLevel(CHANNEL)[0]!;
    const contactMessage = h.slack.threadReplies(CHANNEL, card.ts)[0]!;
    await h.slackEvent(undefined, { form: messageShortcut(h.slack, { callbackId: 'switchboard_saved_reply', channel: CHANNEL, messageTs: contactMessage.ts, threadTs: card.ts }) });
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_saved_reply'), values({ reply: picked('hours') })) });
    await h.drain();
    expect(h.graph.sent.map((m) => m.type)).toEqual(['text', 'document']);
    expect((h.graph.sent[0]!.text as { body: string }).body).toBe('Our visiting hours, Sheena Nelson.');
    expect(h.graph.sent[1]).toMatchObject({ type: 'document', document: { filename: 'visiting-hours.pdf' } });
    expect(h.graph.uploaded[0]!.bytes.equals(pdf)).toBe(true);
    expect(h.slack.threadReplies(CHANNEL, card.ts).some((m) => m.text?.includes(':paperclip: visiting-hours.pdf'))).toBe(true);
  });

  it('refuses a name with spaces and a link that is not https, in the modal', async () => {
    h = await startHarness({ slack: { users } });
    const res = await saveReply(h, 'two words', 'Hello', 'ftp://example.com/file');
    expect(await res.json()).toEqual({ response_action: 'errors', errors: { reply_name: expect.any(String), reply_file: expect.stringContaining('https://') } });
    expect(await h.app.store.savedReplies.list()).toEqual([]);
  });

  it('are listed on the App Home tab, and deleted from it', async () => {
    h = await startHarness({ slack: { users } });
    await saveReply(h, 'closing', 'Thank you, {name}. Take care!');
    const home = { type: 'app_home_opened', user: AGENT, channel: 'D0APPHOME1', tab: 'home', event_ts: `${Date.now() / 1000}` };
    expect((await h.slackEvent(eventCallback(home))).status).toBe(200);
    await until('the Home tab', () => h.slack.views('home').length === 1);
    const [view] = h.slack.views('home');
    expect(JSON.stringify(view!.view.blocks)).toContain('closing');
    const before = view!.updates;
    await h.slackEvent(undefined, { form: viewAction(h.slack, view!, { actionId: 'switchboard_reply_menu', blockId: 'closing', value: 'delete:closing', select: true }) });
    expect(h.slack.views('home')[0]!.updates).toBeGreaterThan(before);
    expect(JSON.stringify(h.slack.views('home')[0]!.view.blocks)).not.toContain('Take care');
    expect(await h.app.store.savedReplies.list()).toEqual([]);
  });

  it('tells an agent who types /whatsapp reply outside a thread to use the message shortcut', async () => {
    h = await startHarness({ slack: { users } });
    const res = await h.slackEvent(undefined, { form: slashCommand(h.slack, 'reply welcome') });
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('Send saved reply') });
  });

  it('sends with /whatsapp reply NAME when the command says which thread it was typed in, once per command', async () => {
    h = await startHarness({ slack: { users }, env: { SIGN_REPLIES: 'false' } });
    await saveReply(h, 'hours', 'We are open 8:00–18:00, {name}.');
    await h.webhook(says('When are you open?'));
    await h.drain();
    const card = h.slack.topLevel(CHANNEL)[0]!;
    const command = slashCommand(h.slack, 'reply hours', { threadTs: card.ts });
    expect((await h.slackEvent(undefined, { form: command })).status).toBe(200);
    expect((await h.slackEvent(undefined, { form: command })).status).toBe(200);
    await h.drain();
    expect(h.graph.sent.map((m) => (m.text as { body: string }).body)).toEqual(['We are open 8:00–18:00, Sheena Nelson.']);
    const unknown = await h.slackEvent(undefined, { form: slashCommand(h.slack, 'reply nope', { threadTs: card.ts }) });
    expect(await unknown.json()).toEqual({ response_type: 'ephemeral', text: 'There is no saved reply called nope.' });
  });

  it('are edited from the manager (the form filled with the reply), and the shortcut outside a contact’s thread says where it works', async () => {
    h = await startHarness({ slack: { users } });
    await saveReply(h, 'closing', 'Take care, {name}!');
    await h.slackEvent(undefined, { form: slashCommand(h.slack, 'replies') });
    const manager = modal(h.slack, 'switchboard_replies');
    const menu = { actionId: 'switchboard_reply_menu', blockId: 'closing', value: 'edit:closing', select: true };
    expect((await h.slackEvent(undefined, { form: viewAction(h.slack, manager, menu) })).status).toBe(200);
    const editing = modal(h.slack, 'switchboard_replies');
    expect(editing.updates).toBe(1);
    const initial = (editing.view.blocks as Array<{ block_id?: string; element?: { initial_value?: string } }>).find((b) => b.block_id === 'reply_text');
    expect(initial?.element?.initial_value).toBe('Take care, {name}!');
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, editing, values({ reply_name: typed('closing'), reply_text: typed('Take good care, {name}!') })) });
    expect((await h.app.store.savedReplies.list()).map(({ name, text }) => ({ name, text }))).toEqual([{ name: 'closing', text: 'Take good care, {name}!' }]);

    const elsewhere = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'a top-level chat' });
    await h.slackEvent(undefined, { form: messageShortcut(h.slack, { callbackId: 'switchboard_saved_reply', channel: CHANNEL, messageTs: elsewhere.ts }) });
    expect(JSON.stringify(modal(h.slack, 'switchboard_info').view.blocks)).toContain('in a contact’s thread');
    await h.drain();
    expect(h.graph.sent).toHaveLength(0);
  });
});
