import { afterEach, describe, expect, it } from 'vitest';
import { fixtureMessage, type FakeSocket } from '../whatsapp-web/support.js';
import { startWebHarness } from '../support/web-harness.js';
import { CHANNEL, type Harness } from '../support/harness.js';
import { AGENT, eventCallback, messageChanged, threadReply } from '../support/slack-events.js';

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The whole service on WHATSAPP_TRANSPORT=web, with a fake Baileys socket in place of WhatsApp. */
describe('the service on the WhatsApp Web transport', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function start(env: Record<string, string> = {}) {
    let sock: FakeSocket;
    ({ h, sock } = await startWebHarness({ env }));
    return sock;
  }

  it('relays a message from the socket to the contact’s thread and an agent’s reply back', async () => {
    const sock = await start();
    const ready = await (await fetch(`${h.base}/readyz`)).json();
    expect(ready).toMatchObject({ ok: true });
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation')] } });
    await until(async () => (await h.app.outbox.depth()).done >= 1);
    await h.drain();
    const card = h.slack.topLevel(CHANNEL)[0]!;
    expect(card.text).toContain('+1 650 555 1234');
    expect(h.slack.threadReplies(CHANNEL, card.ts).map((m) => m.text)).toEqual(['Hi, my order #4411 has not arrived yet']);

    const reply = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'Let me check', thread_ts: card.ts });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card.ts, 'Let me check', { ts: reply.ts })));
    await h.drain();
    expect(sock.sent).toHaveLength(1);
    expect(sock.sent[0]).toMatchObject({ jid: '16505551234@s.whatsapp.net', content: { text: expect.stringContaining('Let me check') } });

    // The agent edits the reply: WhatsApp Web can, so it is edited there too, and nothing is said in Slack.
    const repliesBefore = h.slack.threadReplies(CHANNEL, card.ts).length;
    await h.slackEvent(
      eventCallback(messageChanged(CHANNEL, card.ts, reply.ts, 'Let me check', 'Let me check, one moment')),
    );
    await h.drain();
    expect(sock.sent[1]).toMatchObject({ jid: '16505551234@s.whatsapp.net', content: { text: expect.stringContaining('one moment'), edit: { id: sock.sent[0]!.messageId } } });
    expect(h.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(repliesBefore);
  });

  it('says so in the support channel when WhatsApp logs the device out, and is no longer ready', async () => {
    const sock = await start();
    // Slack is briefly down when it happens: the notice waits in the queue, and is posted once.
    h.slack.failNext('chat.postMessage', { status: 503 });
    await sock.logout();
    await until(async () => h.slack.topLevel(CHANNEL).length > 0 && (await h.app.outbox.depth()).pending === 0);
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(h.slack.topLevel(CHANNEL)[0]?.text).toContain('Pair the support phone again on the /admin page');
    expect(h.slack.calls('chat.postMessage').map((c) => c.httpStatus)).toEqual([503, 200]);
    const ready = await fetch(`${h.base}/readyz`);
    expect(ready.status).toBe(503);
    const metrics = await (await fetch(`${h.base}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_whatsapp_web_connected 0/);
  });

  it('keeps one card for a contact first seen by LID once their number becomes known, whichever id later messages use', async () => {
    const sock = await start();
    const LID = '140913951141911@lid';
    const fromLid = (id: string, text: string, alt?: string) => {
      const m = fixtureMessage('lid-unknown');
      return { ...m, key: { ...m.key, id, ...(alt ? { remoteJidAlt: alt } : {}) }, message: { conversation: text } };
    };
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fromLid('AC07DE0D18FA8254897A26C90B2F0001', 'hidden number')] } });
    await until(async () => (await h.app.outbox.depth()).done >= 1);
    await h.drain();
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    const card = h.slack.topLevel(CHANNEL)[0]!;
    expect(card.text).toContain('number withheld');

    // Baileys now passes the number along with the LID, then the person writes from the number's jid.
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fromLid('AC07DE0D18FA8254897A26C90B2F0002', 'number known', '16505551234@s.whatsapp.net')] } });
    const byNumber = fixtureMessage('text-conversation');
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [{ ...byNumber, key: { ...byNumber.key, id: '3EB0C9A1F2D34E5B6A70' } }] } });
    await until(async () => (await h.app.outbox.depth()).done >= 3);
    await h.drain();
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(h.slack.topLevel(CHANNEL)[0]!.text).toContain('+1 650 555 1234');
    const thread = h.slack.threadReplies(CHANNEL, card.ts).map((m) => m.text).join('\n');
    expect(thread).toContain('hidden number');
    expect(thread).toContain('number known');
    expect(thread).toContain('my order #4411');
    // Replies keep going to the chat WhatsApp knows the person by.
    const reply = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'Found you', thread_ts: card.ts });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card.ts, 'Found you', { ts: reply.ts })));
    await h.drain();
    expect(sock.sent.at(-1)).toMatchObject({ jid: LID });
  });

  it('merges two cards of one person into one thread, with a note in both, once WhatsApp links their LID and number', async () => {
    const sock = await start();
    const lidMessage = (id: string, text: string, alt?: string) => {
      const m = fixtureMessage('lid-unknown');
      return { ...m, key: { ...m.key, id, ...(alt ? { remoteJidAlt: alt } : {}) }, message: { conversation: text } };
    };
    const numberMessage = (id: string, text: string) => {
      const m = fixtureMessage('text-conversation');
      return { ...m, key: { ...m.key, id }, message: { conversation: text } };
    };
    // Nothing links them yet: two cards, as the release before identifiers made them too.
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [lidMessage('AC07DE0D18FA8254897A26C90B2F0011', 'by LID')] } });
    await until(async () => (await h.app.outbox.depth()).done >= 1);
    await h.drain();
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [numberMessage('3EB0C9A1F2D34E5B6A11', 'by number')] } });
    await until(async () => (await h.app.outbox.depth()).done >= 2);
    await h.drain();
    const [first, second] = h.slack.topLevel(CHANNEL);
    expect(second).toBeDefined();

    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [lidMessage('AC07DE0D18FA8254897A26C90B2F0012', 'both known', '16505551234@s.whatsapp.net')] } });
    await until(async () => (await h.app.outbox.depth()).done >= 3);
    await h.drain();
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [numberMessage('3EB0C9A1F2D34E5B6A12', 'by number again')] } });
    await until(async () => (await h.app.outbox.depth()).done >= 4);
    await h.drain();

    expect(h.slack.topLevel(CHANNEL)).toHaveLength(2);
    const kept = h.slack.threadReplies(CHANNEL, first!.ts).map((m) => m.text ?? '');
    const left = h.slack.threadReplies(CHANNEL, second!.ts).map((m) => m.text ?? '');
    expect(kept.join('\n')).toContain('both known');
    expect(kept.join('\n')).toContain('by number again');
    expect(kept.filter((t) => t.includes('earlier card'))).toHaveLength(1);
    expect(left.filter((t) => t.includes('continues in another thread'))).toHaveLength(1);
    expect(left.join('\n')).not.toContain('by number again');
    expect(h.slack.topLevel(CHANNEL)[0]!.text).toContain('+1 650 555 1234');
  });
});
