import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES } from '../fakes/slack.js';
import { CHANNEL, fixture, startHarness, type Harness } from '../support/harness.js';
import { createMessageMap } from '../../src/store/repos.js';
import { textWebhook } from '../support/webhooks.js';
import { sqlDb } from '../../src/store/sql-store.js';

describe('Slack failures and limits', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('honours Retry-After for the whole channel without hammering, and still posts everything once', async () => {
    h = await startHarness();
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await Promise.all(['16505550001', '16505550002', '16505550003'].map((from, i) => h.webhook(textWebhook(`wamid.rl-${i}`, `hello ${i}`, { from, name: `Contact ${from.slice(-4)}` }))));
    await h.drain(30_000);
    expect(h.slack.requestsDuringRetryAfter('chat.postMessage')).toBe(0);
    const cards = h.slack.topLevel(CHANNEL);
    expect(cards).toHaveLength(3);
    for (const card of cards) expect(h.slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1);
    expect(await h.app.outbox.depth()).toMatchObject({ dead: 0 });
    const metrics = await h.app.metrics.registry.metrics();
    expect(metrics).toMatch(/switchboard_jobs_total\{kind="wa.inbound",outcome="retried"\} 1/);
  });

  it('paces posts to one channel below Slack’s limit, so it never meets a 429', async () => {
    // The fake enforces 25/s with 429s; the bridge is set to 10/s, a margin for scheduling jitter. Unpaced (1000/s) it meets ~10 of them.
    h = await startHarness({ env: { SLACK_POSTS_PER_SECOND: '10', SLACK_POST_BURST: '1' }, slack: { rateLimit: { perChannelPerSecond: 25, burst: 2 } } });
    for (let i = 0; i < 12; i++) await h.webhook(textWebhook(`wamid.pace-${i}`, `m${i}`, { from: `1650555${String(1000 + i)}` }));
    await h.drain(30_000);
    expect(h.slack.calls('chat.postMessage').filter((c) => c.httpStatus === 429)).toHaveLength(0);
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(12);
  });

  it('falls back to a byline when the app lacks chat:write.customize', async () => {
    h = await startHarness({ slack: { scopes: DEFAULT_SCOPES.filter((s) => s !== 'chat:write.customize') } });
    await h.webhook(fixture('inbound-text'));
    await h.drain();
    const [reply] = h.slack.threadReplies(CHANNEL, h.slack.topLevel(CHANNEL)[0]!.ts);
    expect(reply!.username).toBeUndefined();
    expect(reply!.ignored_overrides).toEqual([]);
    expect(reply!.text).toBe('*Sheena Nelson:* Does it come in another color?');
  });

  it('retries a transient Slack error and posts once', async () => {
    h = await startHarness();
    h.slack.failNext('chat.postMessage', { error: 'internal_error' });
    await h.webhook(fixture('inbound-text'));
    await h.drain(30_000);
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(h.slack.threadReplies(CHANNEL, h.slack.topLevel(CHANNEL)[0]!.ts)).toHaveLength(1);
  });

  it('reports a permanent failure in the thread, the dead-letter queue and the metrics', async () => {
    h = await startHarness();
    await h.webhook(textWebhook('wamid.ok', 'first'));
    await h.drain();
    h.slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    await h.webhook(textWebhook('wamid.bad', 'second', { timestamp: 1_749_416_400 }));
    await h.drain();
    const thread = h.slack.threadReplies(CHANNEL, h.slack.topLevel(CHANNEL)[0]!.ts);
    expect(thread.map((m) => m.text)).toEqual([
      'first',
      expect.stringContaining('could not be shown here (slack_invalid_blocks)'),
    ]);
    const dead = await h.app.outbox.recentDead(5);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.lastError).toContain('slack_invalid_blocks');
    expect(await h.app.metrics.registry.metrics()).toMatch(/switchboard_jobs_total\{kind="wa.inbound",outcome="dead"\} 1/);
  });

  it('stores delivery statuses against the outbound message, never downgrading', async () => {
    h = await startHarness();
    const map = createMessageMap(sqlDb(h.app.store));
    const wamid = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIxMTFGQkNGODFFN0E0NTBFODUA';
    await map.link({ waMessageId: wamid, chatId: '16505551234', direction: 'out', slackChannel: CHANNEL, slackTs: '1700000000.000900' });
    const status = (s: string, ts: number) => {
      const body = fixture('status-sent') as { entry: Array<{ changes: Array<{ value: { statuses: Array<Record<string, unknown>> } }> }> };
      Object.assign(body.entry[0]!.changes[0]!.value.statuses[0]!, { status: s, timestamp: String(ts) });
      return body;
    };
    await h.webhook(status('read', 1_749_416_760));
    await h.drain();
    await h.webhook(status('delivered', 1_749_416_730));
    await h.webhook(status('sent', 1_749_416_700));
    await h.drain();
    expect((await map.byWaId(wamid))?.status).toBe('read');
    const rows = await sqlDb(h.app.store).selectFrom('message_statuses').select('status').where('wa_message_id', '=', wamid).execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['delivered', 'read', 'sent']);
  });
});
