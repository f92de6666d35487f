import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createFakeGraph } from '../fakes/graph.js';
import { createFakeSlack } from '../fakes/slack.js';
import { testEnv } from '../support/env.js';
import { signMetaBody } from '../support/meta-signature.js';
import { startService, waitFor } from '../support/service-process.js';
import { cloudWebhook, textWebhook } from '../support/webhooks.js';

const CHANNEL = 'C0123456789';
const POISONED = '16505551234';
const OTHER = '16505550000';

describe('a job that takes its process down', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is dead-lettered after its crash budget and explained in its thread; the service settles and the lane moves on', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'switchboard-poison-'));
    dirs.push(cwd);
    const slack = await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }], tsBase: Math.floor(Date.now() / 1000) - 60 });
    const graph = await createFakeGraph({ token: 'test-graph-token', phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' });
    onTestFinished(() => Promise.all([slack.close(), graph.close()]).then(() => undefined));
    // Every download of this image stalls: the test then kills the service, as an out-of-memory kill would.
    const mediaId = graph.addMedia(Buffer.alloc(64 * 1024, 1), 'image/jpeg', { breakAfter: { bytes: 1024, mode: 'stall' } });
    const env = testEnv({
      PORT: '0',
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: slack.token,
      SLACK_API_URL: slack.url,
      WHATSAPP_GRAPH_URL: graph.url,
      DATABASE_URL: `sqlite:${join(cwd, 'switchboard.db')}`,
      // Far longer than the test: only the release at start-up can bring the killed jobs back.
      QUEUE_LEASE_MS: '600000',
      SLACK_POSTS_PER_SECOND: '1000',
      SLACK_POST_BURST: '1000',
    });
    const downloads = () => graph.calls.filter((c) => c.op === 'download').length;
    const post = async (base: string, body: unknown) => {
      const raw = JSON.stringify(body);
      const res = await fetch(`${base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(raw, 'test-app-secret') },
        body: raw,
      });
      expect(res.status).toBe(200);
    };

    let running = startService(env, cwd);
    const base = await running.listening();
    await post(
      base,
      cloudWebhook({
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: POISONED }],
        messages: [{ from: POISONED, id: 'wamid.poison', timestamp: '1749416383', type: 'image', image: { id: mediaId, mime_type: 'image/jpeg' } }],
      }),
    );
    await post(base, textWebhook('wamid.after', 'still there?', { from: POISONED, timestamp: 1_749_416_390 }));
    await post(base, textWebhook('wamid.other', 'hello', { from: OTHER, name: 'Other contact', timestamp: 1_749_416_391 }));

    for (let crash = 1; crash <= 3; crash++) {
      await waitFor(() => downloads() === crash, `download ${crash}`);
      running.child.kill('SIGKILL');
      await running.exited;
      running = startService(env, cwd);
    }
    const last = running;
    onTestFinished(() => void last.child.kill('SIGKILL'));
    const restartedBase = await running.listening();

    const cardOf = (name: string) => slack.topLevel(CHANNEL).filter((m) => m.text?.includes(name));
    const thread = await waitFor(() => {
      const [card] = cardOf('Sheena Nelson');
      const replies = card ? slack.threadReplies(CHANNEL, card.ts) : [];
      return replies.some((r) => r.text?.includes('still there?')) ? replies : undefined;
    }, 'the lane to move on to the next message');
    const notices = thread.filter((r) => r.text?.includes('could not be shown here'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('worker_stopped');
    expect(downloads()).toBe(3);
    expect(cardOf('Sheena Nelson')).toHaveLength(1);
    expect(cardOf('Other contact')).toHaveLength(1);
    expect(slack.threadReplies(CHANNEL, cardOf('Other contact')[0]!.ts).map((r) => r.text)).toEqual([expect.stringContaining('hello')]);

    const ready = await fetch(`${restartedBase}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${restartedBase}/metrics`)).text();
    expect(metrics).toContain('switchboard_queue_depth{status="dead"} 1');
    expect(running.out.stdout).toContain('released jobs a stopped process left running');
    expect(running.out.stdout).not.toContain(POISONED);
  }, 120_000);
});
