import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { AGENT, eventCallback, threadReply } from '../support/slack-events.js';
import { until } from '../support/until.js';
import { textWebhook } from '../support/webhooks.js';

const CONTACTS = ['16505550001', '16505550002', '16505550003'];
const recent = () => Math.floor(Date.now() / 1000) - 60;

describe('a vendor that hangs', () => {
  let h: Harness;
  let second: App | undefined;
  afterEach(async () => {
    await second?.stop();
    second = undefined;
    await h?.close();
  });

  it('a hung Slack call holds its channel no longer than its timeout: every conversation is posted, once', async () => {
    h = await startHarness({ env: { SLACK_TIMEOUT_MS: '300' } });
    const hold = h.slack.hang('chat.postMessage', { count: 1 });
    for (const [i, from] of CONTACTS.entries()) {
      await h.webhook(textWebhook(`wamid.hang-${i}`, `hello ${i}`, { from, name: `Contact ${i}`, timestamp: recent() + i }));
    }
    await h.drain(30_000);
    expect(hold.waiting).toBe(1);
    const cards = h.slack.topLevel(CHANNEL);
    expect(cards).toHaveLength(CONTACTS.length);
    for (const card of cards) expect(h.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1);
    expect(await h.app.outbox.depth()).toMatchObject({ dead: 0 });
  });

  it('a hung Graph send leaves the other conversations flowing, and is not sent twice', async () => {
    h = await startHarness({ env: { WHATSAPP_TIMEOUT_MS: '300' } });
    for (const [i, from] of CONTACTS.slice(0, 2).entries()) {
      await h.webhook(textWebhook(`wamid.in-${i}`, 'hi', { from, name: `Contact ${i}`, timestamp: recent() }));
    }
    await h.drain();
    const cards = h.slack.topLevel(CHANNEL);
    // WhatsApp takes the first reply and never answers.
    h.graph.hang('send', { count: 1, accept: true });
    for (const [i, card] of cards.entries()) {
      const posted = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: `answer ${i}`, thread_ts: card.ts });
      await h.slackEvent(eventCallback(threadReply(CHANNEL, card.ts, `answer ${i}`, { ts: posted.ts })));
      if (i === 0) await until(() => h.graph.messages.length === 1, 'the first reply to reach WhatsApp');
    }
    await h.drain(30_000);
    expect(h.graph.sent.map((b) => (b.text as { body: string }).body.split('\n').at(-1))).toEqual(['answer 0', 'answer 1']);
    const firstThread = h.slack.threadReplies(CHANNEL, cards[0]!.ts).map((m) => m.text ?? '');
    expect(firstThread.filter((t) => t.includes('may not have been delivered'))).toHaveLength(1);
    expect(h.slack.threadReplies(CHANNEL, cards[1]!.ts).some((m) => m.text?.includes('may not have been delivered'))).toBe(false);
  });

  it('a graceful stop during a slow card post, then a restart, leaves one card', async () => {
    h = await startHarness({ env: { SHUTDOWN_TIMEOUT_MS: '200' } });
    await h.webhook(textWebhook('wamid.first', 'hello', { timestamp: recent() }));
    await until(() => h.app.worker.inFlight() === 1, 'the job to start');
    h.slack.delay('chat.postMessage', 1_500);
    await until(() => h.slack.calls('auth.test').length > 0, 'the bridge to know who it is');
    await h.app.stop();
    // The slow post lands after the job was given back.
    await until(() => h.slack.topLevel(CHANNEL).length === 1, 'the slow card post to land', 10_000);
    h.slack.delay('chat.postMessage', 0);
    second = await createApp(h.app.config, createLogger('silent'));
    await second.start(0);
    await until(async () => (await second!.outbox.depth()).done === 1, 'the job to finish after the restart');
    const cards = h.slack.topLevel(CHANNEL);
    expect(cards).toHaveLength(1);
    expect(h.slack.threadReplies(CHANNEL, cards[0]!.ts).map((m) => m.text)).toEqual(['hello']);
  });
});
