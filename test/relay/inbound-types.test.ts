import { afterEach, describe, expect, it } from 'vitest';
import { allText, firstThread } from '../support/cloud-thread.js';
import { CHANNEL, fixture, startHarness, type Harness } from '../support/harness.js';

const TARGET = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI4RDUxODhBMjY5RjlBOUEyRDkA';

/** Replaces the message of a documented fixture (keeps envelope, contact and metadata). */
function withMessage(name: string, patch: Record<string, unknown>): Record<string, unknown> {
  const body = fixture(name) as { entry: Array<{ changes: Array<{ value: { messages: Array<Record<string, unknown>> } }> }> };
  const msg = body.entry[0]!.changes[0]!.value.messages[0]!;
  Object.assign(msg, patch);
  return body;
}

const thread = firstThread;

describe('every Cloud API inbound type in Slack', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it.each([
    ['inbound-image', 'image/jpeg', '1003383421387256', 'Taj Mahal'],
    ['inbound-document', 'application/pdf', '1003383421387257', 'Lucky Shrub Invoice'],
  ])('uploads %s into the thread with its caption, through the current upload flow', async (name, mime, mediaId, caption) => {
    h = await startHarness();
    const bytes = Buffer.from(`%PDF-or-JPEG bytes of ${name}`.repeat(100));
    h.graph.addMedia(bytes, mime, { id: mediaId });
    expect((await h.webhook(fixture(name))).status).toBe(200);
    await h.drain();
    const files = [...h.slack.state.files.values()].filter((f) => f.completed);
    expect(files).toHaveLength(1);
    expect(files[0]!.bytes?.equals(bytes)).toBe(true);
    const posts = thread(h);
    // The contact's post with the caption, then the file.
    expect(posts).toHaveLength(2);
    expect(posts[0]!.text).toContain(caption);
    expect(posts[0]!.username).toBe('Sheena Nelson');
    expect(posts[1]!.files?.[0]?.id).toBe(files[0]!.id);
    expect(h.slack.calls('files.upload')).toHaveLength(0);
    expect(h.slack.calls('files.getUploadURLExternal')).toHaveLength(1);
  });

  it.each(['inbound-video', 'inbound-audio', 'inbound-voice', 'inbound-sticker'])('uploads %s', async (name) => {
    h = await startHarness();
    const body = fixture(name) as { entry: Array<{ changes: Array<{ value: { messages: Array<Record<string, { id: string; mime_type: string }>> } }> }> };
    const msg = body.entry[0]!.changes[0]!.value.messages[0]!;
    const media = Object.values(msg).find((v) => typeof v === 'object' && v !== null && 'mime_type' in v)!;
    h.graph.addMedia(Buffer.from('media bytes'), media.mime_type, { id: media.id });
    await h.webhook(body);
    await h.drain();
    expect(thread(h)[1]?.files).toHaveLength(1);
  });

  it('posts a visible notice instead of a file over the limit', async () => {
    h = await startHarness({ env: { MEDIA_MAX_BYTES: '1000' } });
    h.graph.addMedia(Buffer.alloc(5000, 1), 'image/jpeg', { id: '1003383421387256' });
    await h.webhook(fixture('inbound-image'));
    await h.drain();
    const posts = thread(h);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.files).toBeUndefined();
    expect(allText(posts[0]!)).toContain('too large to forward');
    expect(allText(posts[0]!)).toContain('Taj Mahal');
  });

  it('posts a visible notice when the media cannot be fetched', async () => {
    h = await startHarness();
    // No media registered: Graph answers that the id does not exist (a permanent 400).
    await h.webhook(fixture('inbound-image'));
    await h.drain();
    const posts = thread(h);
    expect(posts).toHaveLength(1);
    expect(allText(posts[0]!)).toContain('could not be downloaded');
  });

  it('shows a location with name, address and a map link', async () => {
    h = await startHarness();
    await h.webhook(fixture('inbound-location'));
    await h.drain();
    const text = allText(thread(h)[0]!);
    expect(text).toContain('Philz Coffee');
    expect(text).toContain('101 Forest Ave, Palo Alto, CA 94301');
    expect(text).toContain('https://www.google.com/maps/search/?api=1&amp;query=37.442163,-122.161536');
  });

  it('summarises shared contacts', async () => {
    h = await startHarness();
    await h.webhook(fixture('inbound-contacts'));
    await h.drain();
    const text = allText(thread(h)[0]!);
    expect(text).toContain('Dr. Barbara J. Johnson Esq.');
    expect(text).toContain('+1 (650) 555-0123');
    expect(text).toContain('Lucky Shrub');
    // The rest of the card Meta documents: title and department, address, website, birthday.
    expect(text).toContain('Title: Lead Counsel, Legal');
    expect(text).toContain('Address: 1 Lucky Shrub Way, Menlo Park, CA, 94025, United States');
    expect(text).toContain('Website: https://www.luckyshrub.com');
    expect(text).toContain('Birthday: 1999-01-23');
  });

  it.each([
    ['inbound-interactive-button-reply', 'Button reply'],
    ['inbound-interactive-list-reply', 'List reply'],
    ['inbound-button', 'Quick reply'],
  ])('shows %s', async (name, label) => {
    h = await startHarness();
    await h.webhook(fixture(name));
    await h.drain();
    expect(allText(thread(h)[0]!)).toContain(label);
  });

  it('shows system messages and what WhatsApp does not pass on, with Meta’s words, never as “unsupported”', async () => {
    h = await startHarness();
    await h.webhook(fixture('inbound-unsupported'));
    await h.webhook(fixture('inbound-system-number-change'));
    await h.drain();
    const cards = h.slack.topLevel(CHANNEL);
    expect(cards).toHaveLength(1);
    const texts = h.slack.threadReplies(CHANNEL, cards[0]!.ts).map(allText);
    expect(texts.some((t) => t.includes('changed from 16505551234 to 16505550123'))).toBe(true);
    const poll = texts.find((t) => t.includes('polls'))!;
    expect(poll).toContain('WhatsApp does not pass polls on to integrations');
    expect(poll).toContain('Message type unknown (error 131051). Message type is currently not supported.');
    expect(texts.join(' ')).not.toMatch(/Unsupported message type/);
  });

  it('adds a reaction to the Slack message it reacts to, and removes it again', async () => {
    h = await startHarness();
    await h.webhook(withMessage('inbound-text', { id: TARGET }));
    await h.webhook(fixture('inbound-reaction'));
    await h.drain();
    const [target] = thread(h);
    expect(h.slack.state.messages.find((m) => m.ts === target!.ts)?.reactions.map((r) => r.name)).toEqual(['grinning']);
    await h.webhook(fixture('inbound-reaction-removed'));
    await h.drain();
    expect(h.slack.state.messages.find((m) => m.ts === target!.ts)?.reactions ?? []).toEqual([]);
    // No extra lines were posted for reactions that found their message.
    expect(thread(h)).toHaveLength(1);
  });

  it('puts a reaction to a media message on that message, and quotes it in replies', async () => {
    h = await startHarness();
    h.graph.addMedia(Buffer.from('jpeg'), 'image/jpeg', { id: '1003383421387256' });
    await h.webhook(withMessage('inbound-image', { id: TARGET }));
    await h.webhook(fixture('inbound-reaction'));
    await h.webhook(fixture('inbound-text-reply'));
    await h.drain();
    const [caption, file, reply] = thread(h);
    expect(file!.files).toHaveLength(1);
    expect(h.slack.state.messages.find((m) => m.ts === caption!.ts)?.reactions.map((r) => r.name)).toEqual(['grinning']);
    expect(reply!.text).toContain('Taj Mahal');
  });

  it('writes a reaction to an unknown message as a line', async () => {
    h = await startHarness();
    await h.webhook(fixture('inbound-reaction'));
    await h.drain();
    expect(allText(thread(h)[0]!)).toContain('reacted 😀 to a message');
  });

  it('quotes the message a reply refers to, where it is known', async () => {
    h = await startHarness();
    await h.webhook(withMessage('inbound-text', { id: TARGET, text: { body: 'Can you come at 3pm?' } }));
    await h.webhook(fixture('inbound-text-reply'));
    await h.drain();
    const reply = thread(h)[1]!;
    expect(reply.text).toMatch(/^> _replying to:_ Can you come at 3pm\?\nYes, 3pm works for me/);
  });

  it('makes WhatsApp text inert in Slack and keeps its formatting', async () => {
    h = await startHarness();
    const body = '<!channel> hi <@U0123> <https://evil.example|https://bank.example> & *bold* _it_ ~gone~ ```x<y```';
    await h.webhook(withMessage('inbound-text', { text: { body } }));
    await h.drain();
    const text = thread(h)[0]!.text!;
    expect(text).not.toMatch(/<!channel>|<@U0123>|<https:/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;@U0123&gt;');
    expect(text).toContain('&amp;');
    expect(text).toContain('*bold* _it_ ~gone~');
    expect(text).toContain('```x&lt;y```');
  });

  it('splits a message over Slack’s limits into parts instead of failing', async () => {
    h = await startHarness();
    const paragraph = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(40);
    const body = Array.from({ length: 30 }, () => paragraph).join('\n\n'); // ~68,000 characters
    await h.webhook(withMessage('inbound-text', { text: { body } }));
    await h.drain();
    const posts = thread(h);
    expect(posts.length).toBeGreaterThan(1);
    for (const p of posts) {
      const sections = (p.blocks as Array<{ type: string; text?: { text: string } }>).filter((b) => b.type === 'section');
      expect(sections.length).toBeLessThanOrEqual(50);
      for (const s of sections) expect(s.text!.text.length).toBeLessThanOrEqual(3000);
    }
    const joined = posts.map((p) => p.text).join('');
    expect(joined.replace(/\s/g, '')).toBe(body.replace(/\s/g, ''));
    expect(allText(posts.at(-1)!)).toContain(`part ${posts.length}/${posts.length}`);
    expect(await h.app.outbox.depth()).toMatchObject({ dead: 0 });
  });
});
