import { afterEach, describe, expect, it } from 'vitest';
import type { FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, fixture, startHarness, type Harness } from '../support/harness.js';
import { allText, captureLogLines, firstThread, patchedFixture } from '../support/cloud-thread.js';
import { settle } from '../support/jira-chat.js';
import { AGENT, eventCallback, threadReply } from '../support/slack-events.js';
import { textWebhook } from '../support/webhooks.js';

/** The message the edit and revoke fixtures point at (`original_message_id`). */
const ORIGINAL = 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=';

const patched = patchedFixture;
const thread = firstThread;
const stored = (h: Harness, ts: string) => h.slack.state.messages.find((m) => m.ts === ts)!;

describe('Cloud API events beyond plain messages, through the signed webhook into the fake Slack', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  /** A fresh service that received one documented webhook: the text of the first post in the thread. */
  async function firstPostOf(name: string, env: Record<string, string> = {}): Promise<string> {
    h = await startHarness({ env });
    expect((await h.webhook(fixture(name))).status).toBe(200);
    await h.drain();
    return thread(h)[0]!.text!;
  }

  it('shows a catalogue order with its items, quantities, prices, total, note and catalogue', async () => {
    const text = (await firstPostOf('inbound-order'));
    expect(text).toContain('*Order* (catalogue 194836987003835)');
    expect(text).toContain('• 2 × di9ozbzfi4 · $30.00 each · $60.00');
    expect(text).toContain('• 1 × nqryix03ez · $25.00 each');
    expect(text).toContain('*Total:* $85.00');
    expect(text).toContain('*Note:* Please deliver before Friday');
  });

  it('shows an order in Brazilian Portuguese', async () => {
    const text = (await firstPostOf('inbound-order', { LOCALE: 'pt-BR' })).replace(/\u00a0/g, ' ');
    expect(text).toContain('*Pedido* (catálogo 194836987003835)');
    expect(text).toContain('2 × di9ozbzfi4 · US$ 30,00 cada');
    expect(text).toContain('*Total do pedido:* US$ 85,00');
  });

  it('shows a Flow’s answers as readable fields, not as JSON', async () => {
    const text = (await firstPostOf('inbound-flow-reply'));
    expect(text).toContain('*Form answers*');
    expect(text).toContain('• FirstName: Sheena');
    expect(text).toContain('• Appointment date: 2026-12-09');
    expect(text).toContain('• Wants reminder: yes');
    expect(text).toContain('• Topics: billing, delivery');
    expect(text).toContain('_Flow token:_ AQAAAAACS5FpgQ_cAAAAAD0QI3s.');
    expect(text).not.toContain('{');
  });

  it('shows Flow answers in Brazilian Portuguese', async () => {
    const text = (await firstPostOf('inbound-flow-reply', { LOCALE: 'pt-BR' }));
    expect(text).toContain('*Respostas do formulário*');
    expect(text).toContain('• Wants reminder: sim');
  });

  it('shows the answer to a call permission request', async () => {
    expect(await firstPostOf('inbound-call-permission-reply')).toContain('Allowed calls from this business until');
  });

  it('replaces an edited message in place, marked edited, without a new post', async () => {
    h = await startHarness();
    await h.webhook(textWebhook(ORIGINAL, 'Does it come in another color?'));
    await h.drain();
    const [original] = thread(h);
    await h.webhook(fixture('inbound-edit'));
    await h.drain();
    expect(thread(h)).toHaveLength(1);
    const edited = stored(h, original!.ts);
    expect(edited.edits).toHaveLength(1);
    expect(edited.text).toContain('Does it come in another color? Blue, ideally.');
    expect(JSON.stringify(edited.blocks)).toContain(':pencil2: edited');
    // A retried delivery changes nothing more.
    await h.webhook(fixture('inbound-edit'));
    await h.drain();
    expect(stored(h, original!.ts).edits).toHaveLength(1);
  });

  it('edits a media caption in place and leaves the file as it is', async () => {
    h = await startHarness();
    h.graph.addMedia(Buffer.from('jpeg'), 'image/jpeg', { id: '1003383421387256' });
    await h.webhook(patched('inbound-image', 'messages', { id: ORIGINAL }));
    await h.drain();
    const [caption, file] = thread(h);
    await h.webhook(fixture('inbound-edit-image'));
    await h.drain();
    expect(thread(h)).toHaveLength(2);
    expect(stored(h, caption!.ts).text).toContain('The Taj Mahal at sunset');
    expect(stored(h, file!.ts).files).toHaveLength(1);
    expect(h.slack.calls('files.getUploadURLExternal')).toHaveLength(1);
  });

  it('posts an edit of a message it never showed after the others, said to be an edit', async () => {
    h = await startHarness();
    await h.webhook(fixture('inbound-edit'));
    await h.drain();
    const [post] = thread(h);
    expect(post!.text).toContain('edited an earlier message that is not shown in this thread');
    expect(post!.text).toContain('Blue, ideally.');
    expect(JSON.stringify(post!.blocks)).toContain('edited');
  });

  it('marks a deleted message where it stands and never asks the contact to send it again', async () => {
    h = await startHarness();
    await h.webhook(textWebhook(ORIGINAL, 'My card number is wrong in the form'));
    await h.drain();
    const [original] = thread(h);
    await h.webhook(fixture('inbound-revoke'));
    await h.drain();
    expect(thread(h)).toHaveLength(1);
    const marked = stored(h, original!.ts);
    expect(marked.text).toContain('The contact deleted this message.');
    expect(marked.text).toContain('> _before:_ My card number is wrong in the form');
    expect(allText(marked)).not.toMatch(/send it|Unsupported/);
  });

  it('says so when the contact deletes a message it never showed', async () => {
    h = await startHarness();
    await h.webhook(fixture('inbound-revoke'));
    await h.drain();
    const text = allText(thread(h)[0]!);
    expect(text).toContain('The contact deleted a message that is not shown in this thread.');
    expect(text).not.toMatch(/send it|Unsupported/);
  });

  it('shows an edit WhatsApp delivered as unsupported (Meta’s interim form) without asking for it again', async () => {
    const text = (await firstPostOf('inbound-unsupported-edit'));
    expect(text).toContain('WhatsApp does not pass this edit on to integrations');
    expect(text).toContain('Message type is currently not supported.');
    expect(text).not.toMatch(/send it|Unsupported message type/);
  });

  it('gives a type newer than the bridge a short, honest notice', async () => {
    expect(await firstPostOf('inbound-unknown-type')).toContain('A kind of WhatsApp message this bridge does not know yet (hologram)');
  });

  it('shows a welcome request', async () => {
    expect(await firstPostOf('inbound-request-welcome')).toContain('opened the chat with the business for the first time');
  });

  it('shows which ad the contact came from on the message that carries it', async () => {
    const text = (await firstPostOf('inbound-text-referral'));
    expect(text).toContain('Can I get more info about this?');
    expect(text).toContain('*Came from an ad*: Lucky Shrub Fall Collection');
    expect(text).toContain('> Chat with us to learn more about our fall collection!');
    expect(text).toContain('<https://fb.me/3cr4Wqqkv|Open>');
    expect(text).toContain('|Ad image>');
    expect(text).toContain('`ad 120226305854810726`');
  });

  it('shows a message written in the WhatsApp Business app in the contact’s thread, as the business, without sending it', async () => {
    h = await startHarness();
    await h.webhook(textWebhook('wamid.first-from-contact', 'Can you send me the info?'));
    await h.drain();
    const before = await h.app.store.contacts.get('16505551234');
    expect(before?.lastInboundAt).toBeDefined();
    expect((await h.webhook(fixture('echo-text'))).status).toBe(200);
    await h.drain();
    const posts = thread(h);
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.text).toContain("Here's the info you requested!");
    expect(posts[1]!.username).toBe('Sent from the phone');
    expect(JSON.stringify(posts[1]!.blocks)).toContain('Sent from the phone');
    expect(h.graph.sent).toHaveLength(0);
    // Not the contact's message: the 24-hour window is where the contact left it.
    const after = await h.app.store.contacts.get('16505551234');
    expect(after?.lastInboundAt).toBe(before?.lastInboundAt);
  });

  it('does not reopen the 24-hour window for a business echo', async () => {
    h = await startHarness();
    const old = Math.floor((Date.now() - 25 * 60 * 60_000) / 1000);
    await h.webhook(textWebhook('wamid.old-from-contact', 'Hello?', { timestamp: old }));
    await h.webhook(patched('echo-text', 'message_echoes', { timestamp: String(Math.floor(Date.now() / 1000)) }));
    await h.drain();
    const card = h.slack.topLevel(CHANNEL)[0]!.ts;
    const posted = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'Following up', thread_ts: card });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'Following up', { ts: posted.ts })));
    await h.drain();
    expect(h.graph.sent).toHaveLength(0);
    expect(h.slack.threadReplies(CHANNEL, card).at(-1)!.text).toContain('more than 24 hours');
  });

  it('marks a business message deleted on the phone where it stands', async () => {
    h = await startHarness();
    await h.webhook(fixture('echo-text'));
    await h.drain();
    const [echo] = thread(h);
    await h.webhook(fixture('echo-revoke'));
    await h.drain();
    expect(thread(h)).toHaveLength(1);
    expect(stored(h, echo!.ts).text).toContain('Deleted from the business phone.');
  });

  it('replaces a business message edited on the phone in place', async () => {
    h = await startHarness();
    await h.webhook(fixture('echo-text'));
    await h.drain();
    const [echo] = thread(h);
    const edit = {
      type: 'edit',
      revoke: undefined,
      edit: { original_message_id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA', message: { type: 'text', text: { body: 'Here is the Quest 3 page.' } } },
    };
    await h.webhook(patched('echo-revoke', 'message_echoes', edit));
    await h.drain();
    expect(thread(h)).toHaveLength(1);
    expect(stored(h, echo!.ts).text).toContain('Here is the Quest 3 page.');
    expect(JSON.stringify(stored(h, echo!.ts).blocks)).toMatch(/Sent from the phone.*edited/);
  });

  it('tells the thread when the contact stops marketing messages, without opening the window', async () => {
    h = await startHarness();
    expect((await h.webhook(fixture('user-preferences-stop'))).status).toBe(200);
    await h.webhook(fixture('user-preferences-stop'));
    await h.drain();
    const posts = thread(h);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toContain('asked to stop receiving marketing messages');
    const row = await h.app.store.contacts.get('16505551234');
    expect(row).toBeDefined();
    expect(row?.lastInboundAt).toBeUndefined();
  });

  it('acknowledges contact sync without posting anything', async () => {
    h = await startHarness();
    expect((await h.webhook(fixture('smb-app-state-sync'))).status).toBe(200);
    expect(await h.app.outbox.depth()).toMatchObject({ pending: 0 });
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(0);
  });

  it('acknowledges another phone number’s webhooks, posts none of them, and logs that once', async () => {
    const { sink, lines } = captureLogLines();
    h = await startHarness({ logs: sink });
    expect((await h.webhook(fixture('other-number-text'))).status).toBe(200);
    expect((await h.webhook(patched('other-number-text', 'messages', { id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUFCMjdGQzM4RDUwMzQ3NUZFQQA=' }))).status).toBe(200);
    await h.drain();
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(0);
    expect(await h.app.outbox.depth()).toMatchObject({ pending: 0, done: 0 });
    const notes = lines().filter((l) => String(l.msg).includes('another phone number'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ phoneNumberId: '106540352242923', items: 1 });
    expect(JSON.stringify(lines())).not.toContain('16505551234');
  });
});

describe('delivery statuses in the thread', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function replyThenStatus(name: string): Promise<string> {
    await h.webhook(textWebhook('wamid.contact-wrote', 'Hello, I need help', { timestamp: Math.floor(Date.now() / 1000) - 60 }));
    await h.drain();
    const card = h.slack.topLevel(CHANNEL)[0]!.ts;
    const posted = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'On our way', thread_ts: card });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'On our way', { ts: posted.ts })));
    await h.drain();
    expect(h.graph.messages).toHaveLength(1);
    const { wamid } = h.graph.messages[0]!;
    await h.webhook(patched(name, 'statuses', { id: wamid }));
    await h.drain();
    return h.slack.threadReplies(CHANNEL, card).at(-1)!.text!;
  }

  it('shows Meta’s documented statuses (with pricing and conversation) as reactions on the reply, adding no lines', async () => {
    h = await startHarness();
    await replyThenStatus('status-sent');
    const card = h.slack.topLevel(CHANNEL)[0]!.ts;
    const lines = h.slack.threadReplies(CHANNEL, card).length;
    expect(h.graph.messages).toHaveLength(1);
    const { wamid } = h.graph.messages[0]!;
    for (const name of ['status-delivered', 'status-read']) await h.webhook(patched(name, 'statuses', { id: wamid }));
    await h.drain();
    const reply = h.slack.threadReplies(CHANNEL, card).find((m) => m.user === AGENT)!;
    expect(h.slack.state.messages.find((m) => m.ts === reply.ts)!.reactions.map((r) => r.name)).toEqual(['eyes']);
    expect(h.slack.calls('reactions.add').map((c) => c.params.name)).toEqual(['heavy_check_mark', 'white_check_mark', 'eyes']);
    expect(h.slack.threadReplies(CHANNEL, card)).toHaveLength(lines);
  });

  it('gives Meta’s title and details beside the code it does not explain', async () => {
    h = await startHarness();
    const notice = await replyThenStatus('status-failed');
    expect(notice).toContain('WhatsApp returned error 131049.');
    expect(notice).toContain('WhatsApp says: This message was not delivered to maintain healthy ecosystem engagement. (error 131049)');
    expect(notice).toContain('In order to maintain a healthy ecosystem engagement, the message failed to be delivered.');
  });

  it('keeps its own explanation of a known code and adds Meta’s details, in both locales', async () => {
    h = await startHarness({ env: { LOCALE: 'pt-BR' } });
    const notice = await replyThenStatus('status-failed-undeliverable');
    expect(notice).toContain('o número pode não ter WhatsApp');
    expect(notice).toContain('O WhatsApp diz: Message undeliverable (erro 131026). Unable to deliver message.');
  });
});

describe('the Jira request’s copy of these events', () => {
  let h: Harness;
  let jira: FakeJira;
  afterEach(async () => {
    await h?.close();
    await jira?.close();
  });

  it('keeps an order readably and a business echo as the business’s words, which open no request by themselves', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira });
    await h.webhook(fixture('echo-text'));
    await settle(h);
    // Written on the business phone: no request is raised for it.
    expect(jira.requests.size).toBe(0);
    await h.webhook(patched('inbound-order', 'messages', { timestamp: String(Math.floor(Date.now() / 1000) - 60) }));
    await settle(h);
    expect(jira.requests.size).toBe(1);
    const body = [...jira.requests.values()][0]!.comments.map((c) => c.body).join('\n');
    expect(body).toContain('[Order, catalogue 194836987003835]');
    expect(body).toContain('2 × di9ozbzfi4 ($30.00 each)');
    expect(body).not.toContain('Unsupported');
  });

  it('names the phone, not the contact, as the author of an echo', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira });
    await h.webhook(textWebhook('wamid.j-contact', 'Hello', { timestamp: Math.floor(Date.now() / 1000) - 60 }));
    await settle(h);
    await h.webhook(fixture('echo-text'));
    await settle(h);
    const body = [...jira.requests.values()][0]!.comments.map((c) => c.body).join('\n');
    expect(body).toMatch(/Sent from the phone on WhatsApp \([^)]*\):\nHere's the info you requested!/);
    expect(body).not.toMatch(/Sheena Nelson on WhatsApp \([^)]*\):\nHere's the info/);
  });
});
