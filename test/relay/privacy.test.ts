import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CHANNEL, fixture, startHarness } from '../support/harness.js';
import { eventCallback, threadReply, AGENT } from '../support/slack-events.js';
import { textWebhook } from '../support/webhooks.js';

describe('info logs of a whole conversation', () => {
  it('carry no phone number, message text or token', async () => {
    let logs = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs += chunk.toString();
        cb();
      },
    });
    const h = await startHarness({ logs: sink });
    try {
      const secretText = 'my blood pressure is 190 over 120';
      await h.webhook(textWebhook('wamid.p-1', secretText, { timestamp: Math.floor(Date.now() / 1000) - 60 }));
      await h.drain();
      const card = h.slack.topLevel(CHANNEL)[0]!.ts;
      const reply = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'please come to the ER', thread_ts: card });
      await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'please come to the ER', { ts: reply.ts })));
      // A failing send logs its error too.
      h.graph.failNext('send', { status: 400, code: 131026 });
      const again = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'are you there', thread_ts: card });
      await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'are you there', { ts: again.ts })));
      await h.drain();
      expect(logs.length).toBeGreaterThan(0);
      for (const forbidden of ['16505551234', '650-555-1234', '650 555 1234', secretText, 'please come to the ER', 'are you there', h.slack.token, 'test-graph-token', 'test-app-secret']) {
        expect(logs).not.toContain(forbidden);
      }
    } finally {
      await h.close();
    }
  });

  it('carry no BSUID, parent BSUID or username either, in the webhook, job and send logs of a username-only contact', async () => {
    let logs = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs += chunk.toString();
        cb();
      },
    });
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
      const reply = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'how can we help', thread_ts: card });
      await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'how can we help', { ts: reply.ts })));
      // A refused send logs its error, and a malformed one, where the BSUID might be quoted.
      h.graph.failNext('send', { status: 400, code: 131026 });
      const again = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'still there', thread_ts: card });
      await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'still there', { ts: again.ts })));
      await h.drain();
      expect(h.graph.sent[0]).toMatchObject({ recipient: 'US.13491208655302741918' });
      for (const forbidden of ['13491208655302741918', '11815799212886844830', 'sheena.nelson', 'how can we help', 'still there']) {
        expect(logs).not.toContain(forbidden);
      }
    } finally {
      await h.close();
    }
  });
});
