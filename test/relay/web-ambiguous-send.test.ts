import { proto } from 'baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { SEND_AGAIN_ACTION } from '../../src/core/relay/doubtful-sends.js';
import { CHANNEL, type Harness } from '../support/harness.js';
import { AGENT, buttonClick, eventCallback, threadReply } from '../support/slack-events.js';
import { globalShortcut, modal, typed, values, viewSubmission } from '../support/slack-interactions.js';
import { until } from '../support/until.js';
import { startWebHarness } from '../support/web-harness.js';
import { fixtureMessage, type FakeSocket } from '../whatsapp-web/support.js';

const CONTACT_JID = '16505551234@s.whatsapp.net';
const users = [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }];
const reactionsOn = (h: Harness, ts: string) => h.slack.state.messages.find((m) => m.ts === ts)?.reactions.map((r) => r.name) ?? [];
const inDoubtNotice = (h: Harness, card: string) => h.slack.threadReplies(CHANNEL, card).find((m) => m.text?.includes('may not have been delivered'));

/** A receipt for a message we sent, as Baileys reports it (`messages.update`). */
function receipt(sock: FakeSocket, id: string, status: proto.WebMessageInfo.Status) {
  return sock.emit({ 'messages.update': [{ key: { remoteJid: CONTACT_JID, fromMe: true, id }, update: { status, messageTimestamp: Math.floor(Date.now() / 1000) } }] });
}

/** The whole service on WhatsApp Web: a contact who wrote, and an agent's reply in their thread, sent while `failure` hits the socket. */
async function replyWhile(failure: FakeSocket['failNextSend']) {
  const { h, sock } = await startWebHarness({ slack: { users } });
  await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation')] } });
  await until(async () => h.slack.topLevel(CHANNEL).length === 1, 'the contact’s card');
  await h.drain();
  const card = h.slack.topLevel(CHANNEL)[0]!.ts;
  sock.failNextSend = failure;
  const posted = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'Your order ships today', thread_ts: card });
  await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'Your order ships today', { ts: posted.ts })));
  await h.drain();
  return { h, sock, card, agentTs: posted.ts };
}

let h: Harness | undefined;
afterEach(async () => {
  if (h) expect(await h.app.outbox.recentDead(10)).toHaveLength(0);
  await h?.close();
  h = undefined;
});

describe('a WhatsApp Web reply whose socket fails under it', () => {
  it('once written, is in doubt: marked, explained with Send again, and not sent again when the job would be retried', async () => {
    const r = await replyWhile('after-write');
    h = r.h;
    expect(r.sock.sent).toHaveLength(1);
    expect(reactionsOn(h, r.agentTs)).toContain('grey_question');
    expect(JSON.stringify(inDoubtNotice(h, r.card)?.blocks)).toContain(SEND_AGAIN_ACTION);
    expect(await h.app.outbox.depth()).toMatchObject({ pending: 0, running: 0 });
    expect(r.sock.sent).toHaveLength(1);
  });

  it('is settled by a later receipt for the id it went out under: the mark goes, the delivery shows, the button goes', async () => {
    const r = await replyWhile('after-write');
    h = r.h;
    const id = r.sock.sent[0]!.messageId!;
    expect(id).toMatch(/^3EB0[0-9A-F]{18}$/);
    await receipt(r.sock, id, proto.WebMessageInfo.Status.DELIVERY_ACK);
    await until(async () => reactionsOn(h!, r.agentTs).includes('white_check_mark'), 'the receipt on the agent’s message');
    await h.drain();
    expect(reactionsOn(h, r.agentTs)).toEqual(['white_check_mark']);
    const notice = h.slack.threadReplies(CHANNEL, r.card).find((m) => m.text?.includes('confirmed the reply after all'));
    expect(notice).toBeDefined();
    expect(JSON.stringify(notice!.blocks)).not.toContain(SEND_AGAIN_ACTION);
    expect(r.sock.sent).toHaveLength(1);
  });

  it('goes out again under the same id when the agent presses Send again, once however often it is pressed', async () => {
    const r = await replyWhile('after-write');
    h = r.h;
    const notice = inDoubtNotice(h, r.card)!;
    const value = /"value":"([^"]+)"/.exec(JSON.stringify(notice.blocks))?.[1] ?? '';
    const click = () => h!.slackEvent(null, { form: buttonClick({ channel: CHANNEL, messageTs: notice.ts, threadTs: r.card, actionId: SEND_AGAIN_ACTION, value }) });
    expect((await click()).status).toBe(200);
    expect((await click()).status).toBe(200);
    await h.drain();
    expect(r.sock.sent).toHaveLength(2);
    // The same message sent again (as Baileys resends one a device asks for again): its receipts land on the same line.
    expect(r.sock.sent[1]).toEqual(r.sock.sent[0]);
    expect(reactionsOn(h, r.agentTs)).not.toContain('grey_question');
    await receipt(r.sock, r.sock.sent[0]!.messageId!, proto.WebMessageInfo.Status.READ);
    await until(async () => reactionsOn(h!, r.agentTs).includes('eyes'), 'the read receipt on the agent’s message');
  });

  it('refused before anything was written, is retried and delivered once, under the id its receipts then find', async () => {
    const r = await replyWhile('before-write');
    h = r.h;
    expect(r.sock.sent).toHaveLength(1);
    expect(r.sock.sent[0]).toMatchObject({ jid: CONTACT_JID, content: { text: expect.stringContaining('Your order ships today') } });
    expect(reactionsOn(h, r.agentTs)).not.toContain('grey_question');
    expect(inDoubtNotice(h, r.card)).toBeUndefined();
    const id = r.sock.sent[0]!.messageId;
    expect(id).toMatch(/^3EB0[0-9A-F]{18}$/);
    await receipt(r.sock, id!, proto.WebMessageInfo.Status.SERVER_ACK);
    await until(async () => reactionsOn(h!, r.agentTs).includes('heavy_check_mark'), 'the sent receipt on the agent’s message');
  });
});

describe('a conversation started from Slack on WhatsApp Web whose socket fails under the first message', () => {
  it('is not sent twice, and a later receipt for its id settles it on the thread’s line', async () => {
    let sock: FakeSocket;
    ({ h, sock } = await startWebHarness({ slack: { users } }));
    await h.slackEvent(undefined, { form: globalShortcut(h.slack, 'switchboard_start') });
    const opened = modal(h.slack, 'switchboard_start');
    sock.failNextSend = 'after-write';
    const state = values({ phone: typed('+1 650 555 1234'), name: typed('Sheena'), message: typed('Hello Sheena, this is the clinic.') });
    expect((await h.slackEvent(undefined, { form: viewSubmission(h.slack, opened, state) })).status).toBe(200);
    await h.drain();
    expect(sock.sent).toHaveLength(1);
    const card = h.slack.topLevel(CHANNEL)[0]!.ts;
    const thread = h.slack.threadReplies(CHANNEL, card);
    expect(thread.at(-1)!.text).toContain('may or may not have gone out');
    const line = thread.find((m) => m.text?.includes('started the conversation'))!;
    expect(reactionsOn(h, line.ts)).toEqual(['grey_question']);
    await receipt(sock, sock.sent[0]!.messageId!, proto.WebMessageInfo.Status.DELIVERY_ACK);
    await until(async () => reactionsOn(h!, line.ts).includes('white_check_mark'), 'the receipt on the thread’s line');
    await h.drain();
    expect(reactionsOn(h, line.ts)).toEqual(['white_check_mark']);
    expect(sock.sent).toHaveLength(1);
  });
});
