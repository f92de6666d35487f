import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CHANNEL, fixture, startHarness, type Harness } from '../support/harness.js';
import { eventCallback, threadReply, AGENT } from '../support/slack-events.js';
import { textWebhook } from '../support/webhooks.js';

/** Everything the service logs, as one string. */
function captureLogs(): { sink: Writable; logs: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { sink, logs: () => text };
}

/** An agent's reply that goes out, then one WhatsApp refuses (a failing send logs its error too). */
async function replyThenFailedReply(h: Harness, card: string, first: string, second: string): Promise<void> {
  const reply = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: first, thread_ts: card });
  await h.slackEvent(eventCallback(threadReply(CHANNEL, card, first, { ts: reply.ts })));
  h.graph.failNext('send', { status: 400, code: 131026 });
  const again = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: second, thread_ts: card });
  await h.slackEvent(eventCallback(threadReply(CHANNEL, card, second, { ts: again.ts })));
  await h.drain();
}

describe('info logs of a whole conversation', () => {
  it('carry no phone number, message text or token', async () => {
    const { sink, logs } = captureLogs();
    const h = await startHarness({ logs: sink });
    try {
      const secretText = 'my blood pressure is 190 over 120';
      await h.webhook(textWebhook('wamid.p-1', secretText, { timestamp: Math.floor(Date.now() / 1000) - 60 }));
      await h.drain();
      const card = h.slack.topLevel(CHANNEL)[0]!.ts;
      await replyThenFailedReply(h, card, 'please come to the ER', 'are you there');
      expect(logs().length).toBeGreaterThan(0);
      for (const forbidden of ['16505551234', '650-555-1234', '650 555 1234', secretText, 'please come to the ER', 'are you there', h.slack.token, 'test-graph-token', 'test-app-secret']) {
        expect(logs()).not.toContain(forbidden);
      }
    } finally {
      await h.close();
    }
  });

  it('carry no BSUID, parent BSUID or username either, in the webhook, job and send logs of a username-only contact', async () => {
    const { sink, logs } = captureLogs();
    const h = await startHarness({ logs: sink, env: { LOG_LEVEL: 'info' } });
    try {
      const body = fixture('inbound-text-parent-bsuid');
      const value = ((body.entry as Array<Record<string, unknown>>)[0]!.changes as Array<Record<string, unknown>>)[0]!.value as Record<string, unknown>;
      const [contact] = value.contacts as Array<{ profile: Record<string, string> }>;
      contact!.profile.username = 'sheena.nelson';
      const [message] = value.messages as Array<Record<string, unknown>>;
      message!.timestamp = String(Math.floor(Date.now() / 1000) - 60);
      await h.webhook(body);
      await h.drain();
      const card = h.slack.topLevel(CHANNEL)[0]!.ts;
      // A refused send logs its error, where the BSUID might be quoted.
      await replyThenFailedReply(h, card, 'how can we help', 'still there');
      expect(h.graph.sent[0]).toMatchObject({ recipient: 'US.13491208655302741918' });
      for (const forbidden of ['13491208655302741918', '11815799212886844830', 'sheena.nelson', 'how can we help', 'still there']) {
        expect(logs()).not.toContain(forbidden);
      }
    } finally {
      await h.close();
    }
  });
});
