import { afterEach, describe, expect, it } from 'vitest';
import { SEND_AGAIN_ACTION } from '../../src/core/relay/doubtful-sends.js';
import type { FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, startHarness, type Harness } from '../support/harness.js';
import { settle } from '../support/jira-chat.js';
import { AGENT, buttonClick, eventCallback, threadReply } from '../support/slack-events.js';
import { cloudWebhook, textWebhook, WA_ID } from '../support/webhooks.js';
import { until } from '../support/until.js';

/** A contact who just wrote, and an agent's reply in their thread that WhatsApp takes but never answers. */
async function replyWithLostAnswer(h: Harness, text = 'Your order ships today') {
  await h.webhook(textWebhook('wamid.in-1', 'Hello', { timestamp: Math.floor(Date.now() / 1000) - 60 }));
  await h.drain();
  const card = h.slack.topLevel(CHANNEL)[0]!.ts;
  // Graph takes the message but answers after the client has stopped waiting.
  h.graph.failNext('send', { delayMs: 1_500 });
  const posted = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text, thread_ts: card });
  await h.slackEvent(eventCallback(threadReply(CHANNEL, card, text, { ts: posted.ts })));
  await h.drain();
  await until(() => h.graph.sent.length === 1, 'WhatsApp to have taken the message');
  return { card, agentTs: posted.ts };
}

/** Meta's status for what Graph took as `sent`, by the reference it carried. */
function statusFor(sent: { biz_opaque_callback_data?: string }, status: 'delivered' | 'read', wamid: string) {
  return cloudWebhook({
    statuses: [{ id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: WA_ID, biz_opaque_callback_data: sent.biz_opaque_callback_data }],
  });
}

/** Two parts for WhatsApp (over its 4,096 characters): the second waits behind the first. */
const LONG_REPLY = `${'Your order ships today. '.repeat(180)}\n\n${'Tracking follows by e-mail. '.repeat(20)}`;

const reactionsOn = (h: Harness, ts: string) => h.slack.state.messages.find((m) => m.ts === ts)?.reactions.map((r) => r.name) ?? [];

describe('a reply whose outcome is unknown', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('is not sent again on its own: the agent’s message is marked and the thread explains, with Send again', async () => {
    h = await startHarness({ env: { WHATSAPP_TIMEOUT_MS: '300' } });
    const { card, agentTs } = await replyWithLostAnswer(h);
    await h.drain();
    expect(h.graph.sent).toHaveLength(1);
    expect(h.graph.sent[0]!.biz_opaque_callback_data).toEqual(expect.stringMatching(/^send:/));
    expect(reactionsOn(h, agentTs)).toContain('grey_question');
    const notice = h.slack.threadReplies(CHANNEL, card).find((m) => m.text?.includes('may not have been delivered'));
    expect(JSON.stringify(notice?.blocks)).toContain(SEND_AGAIN_ACTION);
    expect(await h.app.outbox.depth()).toMatchObject({ dead: 0, pending: 0, running: 0 });
  });

  it('is settled by a later status carrying its reference: marked as delivered, the button gone', async () => {
    h = await startHarness({ env: { WHATSAPP_TIMEOUT_MS: '300' } });
    const { card, agentTs } = await replyWithLostAnswer(h);
    const taken = h.graph.sent[0]!;
    const wamid = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';
    await h.webhook(
      cloudWebhook({
        statuses: [{ id: wamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: WA_ID, biz_opaque_callback_data: taken.biz_opaque_callback_data }],
      }),
    );
    await h.drain();
    expect(reactionsOn(h, agentTs)).toEqual(['white_check_mark']);
    const notice = h.slack.threadReplies(CHANNEL, card).find((m) => m.text?.includes('confirmed the reply after all'));
    expect(notice).toBeDefined();
    expect(JSON.stringify(notice!.blocks)).not.toContain(SEND_AGAIN_ACTION);
    expect(h.graph.sent).toHaveLength(1);
  });

  it('sends the part held back behind it once a status settles the first, once however many statuses follow', async () => {
    h = await startHarness({ env: { WHATSAPP_TIMEOUT_MS: '300' } });
    await replyWithLostAnswer(h, LONG_REPLY);
    await h.drain();
    expect(h.graph.sent).toHaveLength(1);
    const first = h.graph.sent[0]!;
    const wamid = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';
    await h.webhook(statusFor(first, 'delivered', wamid));
    await h.drain();
    expect(h.graph.sent).toHaveLength(2);
    expect(JSON.stringify(h.graph.sent[1]!.text)).toContain('Tracking follows by e-mail.');
    expect(h.graph.sent[1]!.biz_opaque_callback_data).not.toEqual(first.biz_opaque_callback_data);
    await h.webhook(statusFor(first, 'read', wamid));
    await h.drain();
    expect(h.graph.sent).toHaveLength(2);
    expect(await h.app.outbox.depth()).toMatchObject({ dead: 0, pending: 0, running: 0 });
  });

  it('goes out again when the agent presses Send again, once however often it is pressed', async () => {
    h = await startHarness({ env: { WHATSAPP_TIMEOUT_MS: '300' }, slack: { users: [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }] } });
    const { card, agentTs } = await replyWithLostAnswer(h);
    const notice = h.slack.threadReplies(CHANNEL, card).find((m) => m.text?.includes('may not have been delivered'))!;
    const click = (user: string) =>
      h.slackEvent(null, { form: buttonClick({ channel: CHANNEL, messageTs: notice.ts, threadTs: card, actionId: SEND_AGAIN_ACTION, value: notice.blocks ? valueOf(notice.blocks) : '', user }) });
    expect((await click(AGENT)).status).toBe(200);
    expect((await click(AGENT)).status).toBe(200);
    await h.drain();
    expect(h.graph.sent).toHaveLength(2);
    expect(h.graph.sent[1]!.text).toEqual(h.graph.sent[0]!.text);
    const updated = h.slack.state.messages.find((m) => m.ts === notice.ts)!;
    expect(updated.text).toContain('Sent again by Ana Souza');
    expect(reactionsOn(h, agentTs)).not.toContain('grey_question');
  });

  describe('with Jira', () => {
    let jira: FakeJira | undefined;
    afterEach(async () => {
      await jira?.close();
      jira = undefined;
    });

    it('gets its Jira line once it went out with Send again, not while it was in doubt', async () => {
      jira = await fakeJiraSite();
      h = await startHarness({ jira, env: { WHATSAPP_TIMEOUT_MS: '300' }, slack: { users: [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }] } });
      const { card } = await replyWithLostAnswer(h);
      await settle(h);
      const [request] = [...jira.requests.values()];
      const lines = () => request!.comments.filter((c) => c.body.includes('Your order ships today'));
      expect(request!.comments.map((c) => c.body).join('\n')).toContain('Hello');
      expect(lines()).toHaveLength(0);

      const notice = h.slack.threadReplies(CHANNEL, card).find((m) => m.text?.includes('may not have been delivered'))!;
      const click = () => h.slackEvent(null, { form: buttonClick({ channel: CHANNEL, messageTs: notice.ts, threadTs: card, actionId: SEND_AGAIN_ACTION, value: valueOf(notice.blocks) }) });
      expect((await click()).status).toBe(200);
      expect((await click()).status).toBe(200);
      await settle(h);
      expect(h.graph.sent).toHaveLength(2);
      expect(lines()).toHaveLength(1);
      expect(lines()[0]).toMatchObject({ public: true });
      expect(lines()[0]!.body).toContain('Ana Souza');
    });

    it('gets its Jira line once a status settled it, once however many statuses follow', async () => {
      jira = await fakeJiraSite();
      h = await startHarness({ jira, env: { WHATSAPP_TIMEOUT_MS: '300' }, slack: { users: [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }] } });
      await replyWithLostAnswer(h);
      await settle(h);
      const [request] = [...jira.requests.values()];
      const lines = () => request!.comments.filter((c) => c.body.includes('Your order ships today'));
      expect(lines()).toHaveLength(0);
      const wamid = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';
      await h.webhook(statusFor(h.graph.sent[0]!, 'delivered', wamid));
      await h.webhook(statusFor(h.graph.sent[0]!, 'read', wamid));
      await settle(h);
      expect(h.graph.sent).toHaveLength(1);
      expect(lines()).toHaveLength(1);
      expect(lines()[0]).toMatchObject({ public: true });
      expect(lines()[0]!.body).toContain('Ana Souza');
    });
  });
});

function valueOf(blocks: unknown): string {
  const found = JSON.stringify(blocks).match(/"value":"([^"]+)"/);
  return found?.[1] ?? '';
}
