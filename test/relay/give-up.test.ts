import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { statusWebhook, textWebhook } from '../support/webhooks.js';
import { sqlDb } from '../../src/store/sql-store.js';

describe('a message that cannot be shown', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('fails the same way every time: one notice, dead-lettered at once, and the contact’s next message follows', async () => {
    h = await startHarness();
    await h.webhook(textWebhook('wamid.first', 'first'));
    await h.drain();
    // A time no date can hold: formatting it throws the same error on every attempt.
    await h.webhook(textWebhook('wamid.bad-time', 'when?', { timestamp: 99_999_999_999_999 }));
    await h.webhook(textWebhook('wamid.next', 'next one', { timestamp: 1_749_416_500 }));
    await h.drain();
    const thread = h.slack.threadReplies(CHANNEL, h.slack.topLevel(CHANNEL)[0]!.ts).map((m) => m.text ?? '');
    const notices = thread.filter((t) => t.includes('could not be shown here'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('Invalid time value');
    expect(thread.at(-1)).toContain('next one');
    const [dead] = await h.app.outbox.recentDead(5);
    expect(dead).toMatchObject({ kind: 'wa.inbound', attempts: 1 });
  });

  it('shows a failed delivery even when the reaction on the agent’s message cannot be placed', async () => {
    h = await startHarness();
    await h.webhook(textWebhook('wamid.in', 'hi'));
    await h.drain();
    const card = h.slack.topLevel(CHANNEL)[0]!;
    const agent = h.slack.addUserMessage({ channel: CHANNEL, user: 'U0AGENT01', text: 'hello from support', thread_ts: card.ts });
    await sqlDb(h.app.store)
      .insertInto('message_map')
      .values({ wa_message_id: 'wamid.out', chat_id: '16505551234', direction: 'out', slack_channel: CHANNEL, slack_ts: agent.ts, excerpt: 'hello', status: null, status_at: null, status_error: null, created_at: Date.now() })
      .execute();
    // The agent deleted their message before the status came.
    h.slack.state.messages.splice(h.slack.state.messages.indexOf(agent), 1);
    await h.webhook(statusWebhook('wamid.out', 'failed', { errors: [{ code: 131026, title: 'Message undeliverable' }] }));
    await h.drain();
    const thread = h.slack.threadReplies(CHANNEL, card.ts).map((m) => m.text ?? '');
    expect(thread.filter((t) => t.startsWith(':x: Not sent to WhatsApp'))).toHaveLength(1);
    expect(await h.app.outbox.depth()).toMatchObject({ dead: 0, pending: 0 });
  });
});
