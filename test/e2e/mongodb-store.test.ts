import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeMongo, type FakeMongo } from '../fakes/mongo.js';
import type { FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, startHarness, type Harness } from '../support/harness.js';
import { says, settle } from '../support/jira-chat.js';
import { AGENT, eventCallback, threadReply } from '../support/slack-events.js';
import { statusWebhook, WA_ID } from '../support/webhooks.js';
import { mongoStoreFixture } from '../support/mongo.js';
import { until } from '../support/until.js';

const DB = 'switchboard';

describe('the service with DATABASE_URL=mongodb://… (the MongoDB fake)', () => {
  let fake: FakeMongo;
  const harnesses: Harness[] = [];
  let jira: FakeJira | undefined;
  afterEach(async () => {
    // The first harness owns the database (its close drops it); the others share it.
    for (const h of harnesses.splice(0).reverse()) await h.close();
    await jira?.close();
    jira = undefined;
    await fake?.close();
  });
  const start = async (opts: Parameters<typeof startHarness>[0] = {}) => {
    const h = await startHarness(opts);
    harnesses.push(h);
    return h;
  };

  it('carries a whole conversation: card, thread, reply, receipts, Jira line, and a restart', async () => {
    fake = await createFakeMongo();
    jira = await fakeJiraSite();
    const users = [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }];
    const h = await start({ store: mongoStoreFixture(fake, DB), jira, slack: { users } });
    expect(h.app.store.kind).toBe('mongodb');

    expect((await h.webhook(says('My infusion pump shows error 41'))).status).toBe(200);
    await settle(h);
    const cards = h.slack.topLevel(CHANNEL);
    expect(cards).toHaveLength(1);
    const card = cards[0]!.ts;
    expect(h.slack.threadReplies(CHANNEL, card).map((m) => m.text)).toContain('My infusion pump shows error 41');

    const posted = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text: 'We are on it', thread_ts: card });
    expect((await h.slackEvent(eventCallback(threadReply(CHANNEL, card, 'We are on it', { ts: posted.ts })))).status).toBe(200);
    await settle(h);
    const sent = h.graph.sent.filter((s) => s.type === 'text');
    expect(sent).toEqual([expect.objectContaining({ to: WA_ID, text: expect.objectContaining({ body: '*Ana Souza:*\nWe are on it' }) })]);

    const link = (await h.app.store.messages.allBySlackTs(CHANNEL, posted.ts))[0]!;
    for (const s of ['delivered', 'read']) expect((await h.webhook(statusWebhook(link.waMessageId, s))).status).toBe(200);
    await settle(h);
    expect(h.slack.state.messages.find((m) => m.ts === posted.ts)?.reactions.map((r) => r.name)).toContain('eyes');

    const [request] = [...jira.requests.values()];
    expect(request!.comments.map((c) => c.body).join('\n')).toMatch(/error 41[\s\S]*We are on it/);

    // Restart: a new process on the same database finds the contact, its thread and its request.
    await h.app.stop();
    const again = await start({ shareWith: h, jira });
    expect((await again.webhook(says('Still beeping'))).status).toBe(200);
    await settle(again);
    expect(again.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(again.slack.threadReplies(CHANNEL, card).map((m) => m.text)).toContain('Still beeping');
    expect(jira.requests.size).toBe(1);
    expect(jira.requests.get(request!.key)!.comments.map((c) => c.body).join('\n')).toContain('Still beeping');
    expect(await again.app.outbox.recentDead(5)).toEqual([]);
    // A standalone server: intake never tried a transaction, and the state is in Switchboard's own collections.
    expect(fake.commands).not.toContain('commitTransaction');
    expect(fake.documents(DB, 'switchboard.contacts').map((c) => c._id)).toEqual([WA_ID]);
  });

  it('adopts a WhatsAppInSlack userThreads document at start: the contact’s next message lands in its old thread', async () => {
    fake = await createFakeMongo();
    // The old tool's card, posted with the same bot token (it called chat.postMessage with blocks and an empty text).
    const first = await start({ store: mongoStoreFixture(fake, DB) });
    const res = await fetch(`${first.slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.slack.token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: CHANNEL, text: '', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Sheena Nelson*\nPhone: *16505551234*' } }] }),
    });
    const oldCard = (await res.json()) as { ok: boolean; ts: string };
    expect(oldCard.ok).toBe(true);
    await first.app.stop();
    const client = new MongoClient(fake.uri(DB));
    try {
      await client.connect();
      await client.db().collection('userThreads').insertOne({ userId: `${WA_ID}@c.us`, thread_ts: oldCard.ts });
    } finally {
      await client.close();
    }
    const before = fake.documents(DB, 'userThreads');

    const h = await start({ shareWith: first });
    expect((await h.webhook(says('Hello again'))).status).toBe(200);
    await h.drain();
    expect(h.slack.topLevel(CHANNEL).map((m) => m.ts)).toEqual([oldCard.ts]);
    expect(h.slack.threadReplies(CHANNEL, oldCard.ts).map((m) => m.text)).toContain('Hello again');
    expect(fake.documents(DB, 'userThreads')).toEqual(before);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });

  it('answers 503 while MongoDB is away (the sender retries), keeps /healthz up, and relays the retry once it is back', async () => {
    fake = await createFakeMongo();
    const h = await start({ store: mongoStoreFixture(fake, DB) });
    const body = says('Are you there?');
    await fake.refuseConnections();
    expect((await h.webhook(body)).status).toBe(503);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    await fake.acceptConnections();
    await until(async () => (await h.webhook(body)).status === 200, 'the retried webhook to be accepted');
    await h.drain();
    const [card] = h.slack.topLevel(CHANNEL);
    expect(h.slack.threadReplies(CHANNEL, card!.ts).map((m) => m.text)).toEqual(['Are you there?']);
  });
});
