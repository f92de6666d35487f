import { afterEach, describe, expect, it } from 'vitest';
import type { FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, fixture, startHarness, type Harness } from '../support/harness.js';
import { settle } from '../support/jira-chat.js';
import { AGENT, eventCallback, threadReply } from '../support/slack-events.js';
import { textWebhook, WA_ID } from '../support/webhooks.js';
import { sqlDb } from '../../src/store/sql-store.js';

const BSUID = 'US.13491208655302741918';
const NEW_BSUID = 'US.13491208655302741919';
const NEW_NUMBER = '16505550123';

let seq = 0;
type Json = Record<string, unknown>;

/** A documented fixture as if sent a minute ago (the 24-hour window is open), with a fresh wamid. */
function recent(name: string): Json {
  const body = fixture(name);
  const value = ((body.entry as Json[])[0]!.changes as Json[])[0]!.value as Json;
  for (const m of (value.messages ?? []) as Json[]) {
    m.id = `wamid.identity${++seq}`;
    m.timestamp = String(Math.floor(Date.now() / 1000) - 60 + seq);
  }
  return body;
}

const blocksOf = (m: { text?: string; blocks?: unknown[] }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

/** An agent's reply in the card's thread, as Slack delivers it. */
async function agentReplies(h: Harness, cardTs: string, text: string) {
  const posted = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text, thread_ts: cardTs });
  expect((await h.slackEvent(eventCallback(threadReply(CHANNEL, cardTs, text, { ts: posted.ts })))).status).toBe(200);
  await h.drain();
}

describe('one person, one contact (Cloud API usernames and BSUIDs)', () => {
  let h: Harness;
  let jira: FakeJira | undefined;
  afterEach(async () => {
    await h?.close();
    await jira?.close();
    jira = undefined;
  });

  it('serves a username-only contact from the first webhook through card, thread, reply, receipts and request, and keeps one card when their number turns up', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, env: { JIRA_CUSTOMER_EMAIL_DOMAIN: 'whatsapp.example.com' } });

    // No wa_id, no from: recorded, not refused.
    expect((await h.webhook(recent('inbound-text-username-only'))).status).toBe(200);
    await settle(h);
    const cards = h.slack.topLevel(CHANNEL);
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(blocksOf(card)).toContain('Sheena Nelson');
    expect(blocksOf(card)).toContain('@sheena.nelson');
    expect(blocksOf(card)).toContain('number withheld');
    expect(blocksOf(card)).not.toContain('Unknown');
    expect(blocksOf(card)).not.toContain(BSUID);
    expect(h.slack.threadReplies(CHANNEL, card.ts).map((m) => m.text).join('\n')).toContain('Does it hurt?');

    // The request names what is known; never the BSUID; no customer without a number.
    expect(jira.requests.size).toBe(1);
    const [request] = [...jira.requests.values()];
    expect(request!.fields.summary).toBe('WhatsApp · Sheena Nelson (@sheena.nelson (number withheld by WhatsApp))');
    expect(JSON.stringify(request!.fields)).not.toContain(BSUID);
    expect(request!.raiseOnBehalfOf).toBeUndefined();

    // The reply goes to the BSUID, as Meta documents: `recipient`, not `to`.
    await agentReplies(h, card.ts, 'Where does it hurt?');
    expect(h.graph.sent).toHaveLength(1);
    expect(h.graph.sent[0]).toMatchObject({ recipient: BSUID, type: 'text' });
    expect(h.graph.sent[0]!.to).toBeUndefined();

    // A status naming only recipient_user_id finds its message.
    const wamid = h.graph.messages[0]!.wamid;
    const read = h.graph.statusWebhook(wamid, 'read');
    expect(JSON.stringify(read)).toContain('"recipient_user_id"');
    expect(JSON.stringify(read)).not.toContain('"recipient_id"');
    expect((await h.webhook(read)).status).toBe(200);
    await h.drain();
    const out = await sqlDb(h.app.store).selectFrom('message_map').select(['status', 'chat_id']).where('wa_message_id', '=', wamid).executeTakeFirstOrThrow();
    expect(out).toEqual({ status: 'read', chat_id: BSUID });

    // Later Meta shares the number with the BSUID: the same card (edited in place), thread and request.
    expect((await h.webhook(recent('inbound-text-bsuid-with-phone'))).status).toBe(200);
    // And a message that carries only the number finds the person too.
    expect((await h.webhook(textWebhook(`wamid.identity${++seq}`, 'Only my number this time', { timestamp: Math.floor(Date.now() / 1000) }))).status).toBe(200);
    await settle(h);
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    const edited = h.slack.topLevel(CHANNEL)[0]!;
    expect(blocksOf(edited)).toContain('+1 650 555 1234');
    expect(blocksOf(edited)).toContain('@sheena.nelson');
    expect(blocksOf(edited)).not.toContain('number withheld');
    const thread = h.slack.threadReplies(CHANNEL, card.ts).map((m) => m.text).join('\n');
    expect(thread).toContain('My number is on this one');
    expect(thread).toContain('Only my number this time');
    expect(jira.requests.size).toBe(1);

    // Now that the number is known, replies go to it (Meta's recommendation).
    await agentReplies(h, card.ts, 'Thanks, we will call you');
    expect(h.graph.sent[1]).toMatchObject({ to: WA_ID });
    expect(await h.app.outbox.recentDead(5)).toEqual([]);
  });

  it('keeps the thread when the person changes number, and writes to the new one', async () => {
    h = await startHarness();
    expect((await h.webhook(textWebhook(`wamid.identity${++seq}`, 'Before my new phone', { timestamp: Math.floor(Date.now() / 1000) - 120 }))).status).toBe(200);
    await h.drain();
    const card = h.slack.topLevel(CHANNEL)[0]!;

    expect((await h.webhook(recent('inbound-system-number-change-bsuid'))).status).toBe(200);
    expect((await h.webhook(textWebhook(`wamid.identity${++seq}`, 'Hello from my new phone', { from: NEW_NUMBER, timestamp: Math.floor(Date.now() / 1000) }))).status).toBe(200);
    await h.drain();
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(blocksOf(h.slack.topLevel(CHANNEL)[0]!)).toContain('+1 650 555 0123');
    const thread = h.slack.threadReplies(CHANNEL, card.ts).map((m) => m.text).join('\n');
    expect(thread).toContain('changed from 16505551234 to 16505550123');
    expect(thread).toContain('Hello from my new phone');

    await agentReplies(h, card.ts, 'Noted, new number');
    expect(h.graph.sent.at(-1)).toMatchObject({ to: NEW_NUMBER });
  });

  it('keeps the thread when WhatsApp changes the person’s user id, without showing the ids', async () => {
    h = await startHarness();
    expect((await h.webhook(recent('inbound-text-username-only'))).status).toBe(200);
    await h.drain();
    const card = h.slack.topLevel(CHANNEL)[0]!;

    expect((await h.webhook(recent('inbound-system-user-id-change'))).status).toBe(200);
    const next = recent('inbound-text-username-only');
    const value = ((next.entry as Json[])[0]!.changes as Json[])[0]!.value as Json;
    (value.contacts as Json[])[0]!.user_id = NEW_BSUID;
    (value.messages as Json[])[0]!.from_user_id = NEW_BSUID;
    expect((await h.webhook(next)).status).toBe(200);
    await h.drain();

    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    const thread = h.slack.threadReplies(CHANNEL, card.ts).map((m) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`);
    expect(thread).toHaveLength(3);
    expect(thread[1]).toContain('user id changed');
    expect(thread.join('\n')).not.toContain(BSUID);
    expect(thread.join('\n')).not.toContain(NEW_BSUID);

    await agentReplies(h, card.ts, 'Still here for you');
    expect(h.graph.sent.at(-1)).toMatchObject({ recipient: NEW_BSUID });
  });
});
