import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { AGENT, buttonClick, eventCallback, messageChanged, threadReply } from '../support/slack-events.js';
import { modal, picked, values, viewSubmission } from '../support/slack-interactions.js';
import { statusWebhook, textWebhook, WA_ID } from '../support/webhooks.js';
import { sqlDb } from '../../src/store/sql-store.js';

let seq = 0;

function inbound(body: string, opts: { ageMs?: number; id?: string } = {}) {
  return textWebhook(opts.id ?? `wamid.in-${++seq}`, body, { timestamp: Math.floor((Date.now() - (opts.ageMs ?? 60_000)) / 1000) });
}

/** A contact who wrote a minute ago: returns the card's ts (the thread agents reply in). */
async function contactThread(h: Harness, opts: { ageMs?: number } = {}): Promise<string> {
  expect((await h.webhook(inbound('Hello, I need help', opts))).status).toBe(200);
  await h.drain();
  return h.slack.topLevel(CHANNEL)[0]!.ts;
}

/** An agent's message that exists in the fake workspace (so reactions on it work), as its event. */
function agentSays(h: Harness, card: string, text: string, extra: Record<string, unknown> = {}) {
  const posted = h.slack.addUserMessage({ channel: CHANNEL, user: AGENT, text, thread_ts: card });
  return threadReply(CHANNEL, card, text, { ts: posted.ts, ...extra });
}

const sentTexts = (h: Harness) => h.graph.sent.map((b) => (b.text as { body: string } | undefined)?.body);

describe('Slack → WhatsApp', () => {
  let h: Harness;
  let expectDead = 0;
  afterEach(async () => {
    // Every scenario here ends with nothing dead-lettered unless it says so.
    if (h) expect((await h.app.outbox.recentDead(10)).map((d) => d.lastError)).toHaveLength(expectDead);
    expectDead = 0;
    await h?.close();
  });

  it('sends an agent’s thread reply to the contact, signed, with Slack markup converted', async () => {
    h = await startHarness({ slack: { users: [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }] } });
    const card = await contactThread(h);
    const res = await h.slackEvent(eventCallback(agentSays(h, card, 'Hi *Sheena* &amp; welcome :wave: see <https://example.com/help|our guide> and <#C0123456789>')));
    expect(res.status).toBe(200);
    await h.drain();
    expect(h.graph.sent).toHaveLength(1);
    expect(h.graph.sent[0]).toMatchObject({ messaging_product: 'whatsapp', to: WA_ID, type: 'text' });
    expect(sentTexts(h)[0]).toBe('*Ana Souza:*\nHi *Sheena* & welcome 👋 see our guide (https://example.com/help) and #support');
    // The contact's message is marked read, as a person answering it would.
    expect(h.graph.readReceipts).toEqual([expect.stringMatching(/^wamid\.in-/)]);
  });

  it('sends nothing for the bridge’s own posts, other bots, top-level messages, other channels or other threads', async () => {
    h = await startHarness({ slack: { channels: [{ id: CHANNEL, name: 'support' }, { id: 'C0OTHER001', name: 'random' }] } });
    const card = await contactThread(h);
    const events = [
      threadReply(CHANNEL, card, 'from our bot', { bot_id: 'B0FAKEBOT1', user: 'U0FAKEBOT1' }),
      threadReply(CHANNEL, card, 'from another bot', { bot_id: 'B0OTHERBOT', user: 'U0OTHERBOT' }),
      { type: 'message', channel: CHANNEL, user: AGENT, text: 'top level', ts: '1800000000.000100' },
      threadReply('C0OTHER001', card, 'elsewhere'),
      threadReply(CHANNEL, '1690000000.000100', 'an unrelated thread'),
      threadReply(CHANNEL, card, 'joined', { subtype: 'channel_join' }),
    ];
    for (const ev of events) expect((await h.slackEvent(eventCallback(ev))).status).toBe(200);
    await h.drain();
    expect(h.graph.sent).toHaveLength(0);
  });

  it('sends once when Slack retries an event or delivers it twice', async () => {
    h = await startHarness();
    const card = await contactThread(h);
    const body = eventCallback(agentSays(h, card, 'only once'));
    await h.slackEvent(body);
    await h.slackEvent(body, { retryNum: 1 });
    await h.slackEvent(body, { retryNum: 2 });
    await h.drain();
    expect(h.graph.sent).toHaveLength(1);
  });

  it('refuses a bad signature or a replayed request with 401', async () => {
    h = await startHarness();
    const card = await contactThread(h);
    const body = eventCallback(agentSays(h, card, 'replayed'));
    expect((await h.slackEvent(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    const raw = JSON.stringify(body);
    const forged = await fetch(`${h.base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': 'v0=' + 'a'.repeat(64) },
      body: raw,
    });
    expect(forged.status).toBe(401);
    await h.drain();
    expect(h.graph.sent).toHaveLength(0);
  });

  it('keeps internal notes in Slack and marks them', async () => {
    h = await startHarness();
    const card = await contactThread(h);
    const note = agentSays(h, card, 'Note: she called yesterday too');
    await h.slackEvent(eventCallback(note));
    await h.drain();
    expect(h.graph.sent).toHaveLength(0);
    expect(h.slack.state.messages.find((m) => m.ts === note.ts)?.reactions.map((r) => r.name)).toEqual(['lock']);
    expect(h.slack.calls('reactions.add').map((c) => c.params)).toContainEqual(expect.objectContaining({ name: 'lock', timestamp: note.ts }));
  });

  it('splits a long reply at WhatsApp’s 4,096-character limit', async () => {
    h = await startHarness({ env: { SIGN_REPLIES: 'false' } });
    const card = await contactThread(h);
    const text = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ` + 'x'.repeat(900)).join('\n\n');
    await h.slackEvent(eventCallback(agentSays(h, card, text)));
    await h.drain();
    const parts = sentTexts(h);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(p!.length).toBeLessThanOrEqual(4096);
    expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });

  it('shows delivery state as reactions, never downgraded by late statuses', async () => {
    h = await startHarness();
    const card = await contactThread(h);
    const reply = agentSays(h, card, 'On our way');
    await h.slackEvent(eventCallback(reply));
    await h.drain();
    const wamid = (h.graph.calls.find((c) => c.op === 'send') && (await sqlDb(h.app.store).selectFrom('message_map').select('wa_message_id').where('direction', '=', 'out').executeTakeFirstOrThrow()).wa_message_id)!;
    for (const s of ['read', 'sent', 'delivered']) await h.webhook(statusWebhook(wamid, s));
    await h.drain();
    const adds = h.slack.calls('reactions.add').filter((c) => c.params.timestamp === reply.ts).map((c) => c.params.name);
    expect(adds).toEqual(['eyes']);
  });

  it('explains failures in words the agent can act on', async () => {
    h = await startHarness({ env: { WHATSAPP_TEMPLATE_NAME: 'reopen_conversation' } });
    const card = await contactThread(h);
    const reply = agentSays(h, card, 'Are you there?');
    await h.slackEvent(eventCallback(reply));
    await h.drain();
    const { wa_message_id: wamid } = await sqlDb(h.app.store).selectFrom('message_map').select('wa_message_id').where('direction', '=', 'out').executeTakeFirstOrThrow();
    await h.webhook(statusWebhook(wamid, 'failed', { errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'x' } }] }));
    await h.drain();
    const thread = h.slack.threadReplies(CHANNEL, card);
    expect(thread.at(-1)!.text).toContain('the number may not be on WhatsApp');
    expect(h.slack.calls('reactions.add').map((c) => c.params.name)).toContain('x');
  });

  it('does not send blindly after the 24-hour window: it offers the template, which a click sends', async () => {
    h = await startHarness({ env: { WHATSAPP_TEMPLATE_NAME: 'reopen_conversation', WHATSAPP_TEMPLATE_LANGUAGE: 'pt_BR' } });
    const card = await contactThread(h, { ageMs: 25 * 60 * 60_000 });
    await h.slackEvent(eventCallback(agentSays(h, card, 'Hello again')));
    await h.drain();
    expect(h.graph.sent).toHaveLength(0);
    const notice = h.slack.threadReplies(CHANNEL, card).at(-1)!;
    expect(notice.text).toContain('more than 24 hours');
    const button = JSON.stringify(notice.blocks);
    expect(button).toContain('switchboard_send_template');

    const res = await h.slackEvent(undefined, { form: buttonClick({ channel: CHANNEL, messageTs: notice.ts, threadTs: card, actionId: 'switchboard_send_template', value: WA_ID, triggerId: h.slack.issueTrigger() }) });
    expect(res.status).toBe(200);
    // The click opens the template picker (without WHATSAPP_BUSINESS_ACCOUNT_ID it offers the configured template only).
    const picker = modal(h.slack, 'switchboard_template');
    expect(h.graph.sent).toHaveLength(0);
    await h.slackEvent(undefined, { form: viewSubmission(h.slack, picker, values({ template: picked('reopen_conversation|pt_BR') }, { template: 'switchboard_pick_template' })) });
    await h.drain();
    expect(h.graph.sent).toHaveLength(1);
    expect(h.graph.sent[0]).toMatchObject({ to: WA_ID, type: 'template', template: { name: 'reopen_conversation', language: { code: 'pt_BR' } } });
    const updated = h.slack.state.messages.find((m) => m.ts === notice.ts)!;
    expect(updated.text).toContain('Template reopen_conversation sent by');
    expect(JSON.stringify(updated.blocks)).not.toContain('switchboard_send_template');
  });

  it.each([
    [131047, 'more than 24 hours'],
    [131026, 'the number may not be on WhatsApp'],
  ])('explains a send refused with %i', async (code, words) => {
    h = await startHarness();
    const card = await contactThread(h);
    h.graph.failNext('send', { status: 400, code });
    const reply = agentSays(h, card, 'hello');
    await h.slackEvent(eventCallback(reply));
    await h.drain();
    expect(h.slack.threadReplies(CHANNEL, card).at(-1)!.text).toContain(words);
    expect(await h.app.outbox.depth()).toMatchObject({ dead: 0 });
  });

  it.each([130429, 131056])('retries a send rate-limited with %i and then delivers it', async (code) => {
    h = await startHarness();
    const card = await contactThread(h);
    h.graph.failNext('send', { status: 400, code, retryAfter: 1 });
    await h.slackEvent(eventCallback(agentSays(h, card, 'patience')));
    await h.drain(30_000);
    expect(h.graph.sent).toHaveLength(1);
  });

  it('sends an agent’s reaction on a contact’s message as a WhatsApp reaction, and its removal', async () => {
    h = await startHarness();
    const card = await contactThread(h);
    const contactMsg = h.slack.threadReplies(CHANNEL, card)[0]!;
    const reaction = (type: string) => eventCallback({ type, user: AGENT, reaction: 'thumbsup', item: { type: 'message', channel: CHANNEL, ts: contactMsg.ts }, item_user: 'U0FAKEBOT1', event_ts: '1.2' });
    await h.slackEvent(reaction('reaction_added'));
    await h.slackEvent(reaction('reaction_removed'));
    await h.drain();
    expect(h.graph.sent.map((s) => s.reaction)).toEqual([
      { message_id: expect.stringMatching(/^wamid\.in-/), emoji: '👍' },
      { message_id: expect.stringMatching(/^wamid\.in-/), emoji: '' },
    ]);
  });

  it('says in the thread that a sent reply cannot be edited or deleted through the Cloud API', async () => {
    h = await startHarness();
    const card = await contactThread(h);
    const reply = agentSays(h, card, 'original');
    await h.slackEvent(eventCallback(reply));
    await h.drain();
    await h.slackEvent(
      eventCallback(messageChanged(CHANNEL, card, reply.ts, 'original', 'edited')),
    );
    await h.slackEvent(
      eventCallback({ type: 'message', subtype: 'message_deleted', hidden: true, channel: CHANNEL, ts: '1800000002.000100', deleted_ts: reply.ts, previous_message: { type: 'message', user: AGENT, text: 'edited', ts: reply.ts, thread_ts: card } }),
    );
    await h.drain();
    const texts = h.slack.threadReplies(CHANNEL, card).map((m) => m.text ?? '');
    expect(texts.some((t) => t.includes('cannot edit it'))).toBe(true);
    expect(texts.some((t) => t.includes('cannot delete it'))).toBe(true);
    expect(h.graph.sent).toHaveLength(1);
  });

  describe('files', () => {
    function fileShare(h: Harness, card: string, bytes: Buffer, meta: { name: string; mimetype: string; filetype?: string; subtype?: string }, text = '') {
      const file = h.slack.addPrivateFile(bytes, { name: meta.name, mimetype: meta.mimetype });
      return eventCallback(
        agentSays(h, card, text, {
          subtype: 'file_share',
          files: [{ id: file.id, name: meta.name, mimetype: meta.mimetype, filetype: meta.filetype ?? 'binary', size: bytes.length, url_private: file.url_private, ...(meta.subtype ? { subtype: meta.subtype } : {}) }],
        }),
      );
    }

    it('sends an image as an image, downloaded with the bot token and uploaded to Graph', async () => {
      h = await startHarness({ env: { SIGN_REPLIES: 'false' } });
      const card = await contactThread(h);
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]);
      await h.slackEvent(fileShare(h, card, png, { name: 'xray.png', mimetype: 'image/png', filetype: 'png' }, 'See attached'));
      await h.drain();
      expect(h.graph.uploaded).toHaveLength(1);
      expect(h.graph.uploaded[0]!.bytes.equals(png)).toBe(true);
      expect(h.graph.uploaded[0]!.mimeType).toBe('image/png');
      expect(sentTexts(h)[0]).toBe('See attached');
      expect(h.graph.sent[1]).toMatchObject({ type: 'image', image: { id: h.graph.uploaded[0]!.id } });
      expect(h.slack.calls('file').every((c) => c.httpStatus === 200)).toBe(true);
    });

    it('sends a PDF as a document with its file name', async () => {
      h = await startHarness();
      const card = await contactThread(h);
      await h.slackEvent(fileShare(h, card, Buffer.from('%PDF-1.4 test'), { name: 'exam results.pdf', mimetype: 'application/pdf', filetype: 'pdf' }));
      await h.drain();
      expect(h.graph.sent[0]).toMatchObject({ type: 'document', document: { filename: 'exam results.pdf' } });
    });

    it('converts a voice clip recorded in Slack to OGG/Opus', async () => {
      const { spawnSync } = await import('node:child_process');
      const tone = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libopus', '-f', 'webm', 'pipe:1']);
      expect(tone.status).toBe(0);
      h = await startHarness();
      const card = await contactThread(h);
      await h.slackEvent(fileShare(h, card, tone.stdout, { name: 'audio_message.webm', mimetype: 'audio/webm', filetype: 'webm', subtype: 'slack_audio' }));
      await h.drain();
      expect(h.graph.uploaded).toHaveLength(1);
      const ogg = h.graph.uploaded[0]!;
      expect(ogg.mimeType).toBe('audio/ogg');
      expect(ogg.bytes.subarray(0, 4).toString()).toBe('OggS');
      expect(ogg.bytes.includes(Buffer.from('OpusHead'))).toBe(true);
      expect(h.graph.sent[0]).toMatchObject({ type: 'audio', audio: { id: ogg.id } });
    });

    it('explains a file over WhatsApp’s limit instead of sending it', async () => {
      h = await startHarness();
      const card = await contactThread(h);
      const ev = fileShare(h, card, Buffer.alloc(10), { name: 'scan.png', mimetype: 'image/png', filetype: 'png' });
      // Slack says it is 6 MB: over the 5 MB image limit.
      ((ev.event as unknown as { files: Array<{ size: number }> }).files[0]!).size = 6 * 1024 * 1024;
      await h.slackEvent(ev);
      await h.drain();
      expect(h.graph.sent).toHaveLength(0);
      expect(h.slack.threadReplies(CHANNEL, card).at(-1)!.text).toContain('over the WhatsApp limit of 5 MB');
    });
  });
});
