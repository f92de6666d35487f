/**
 * The fake Slack, driven by the real @slack/web-api client over HTTP.
 */
import { ErrorCode, LogLevel, WebClient, type Logger } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeSlack, DEFAULT_SCOPES, type FakeSlack, type FakeSlackOptions } from './slack.js';

const SUPPORT = 'C0123456789';
const GENERAL = 'C0GENERAL01';
const OUTSIDE = 'C0OUTSIDE01';
const SECRET = 'G0SECRET001';
const ARCHIVED = 'C0ARCHIVED1';

const CHANNELS: FakeSlackOptions['channels'] = [
  { id: SUPPORT, name: 'support', isMember: true },
  { id: GENERAL, name: 'general', isMember: true },
  { id: OUTSIDE, name: 'outside', isMember: false },
  { id: SECRET, name: 'secret', isMember: false, isPrivate: true },
  { id: ARCHIVED, name: 'old', isMember: true, isArchived: true },
];

/** The SDK logs Slack's `[ERROR]` lines and warnings; keep test output quiet. */
const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

interface CaughtSlackError {
  code: string;
  data?: { error: string; errors?: string[]; response_metadata?: { messages?: string[] }; needed?: string };
  retryAfter?: number;
  statusCode?: number;
}

async function caught(p: Promise<unknown>): Promise<CaughtSlackError> {
  try {
    await p;
  } catch (err) {
    return err as CaughtSlackError;
  }
  throw new Error('expected the call to fail');
}

async function slackError(p: Promise<unknown>): Promise<string | undefined> {
  return (await caught(p)).data?.error;
}

let fakes: FakeSlack[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup(opts: FakeSlackOptions = {}, token?: string | null) {
  const fake = await createFakeSlack({ channels: CHANNELS, ...opts });
  fakes.push(fake);
  const client = new WebClient(token === null ? undefined : (token ?? fake.token), {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quiet,
  });
  return { fake, client };
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('auth', () => {
  it('answers not_authed without a token and invalid_auth for a wrong one', async () => {
    const { client: anonymous } = await setup({}, null);
    expect(await slackError(anonymous.auth.test())).toBe('not_authed');
    const { client: wrong } = await setup({}, 'xoxb-wrong');
    expect(await slackError(wrong.chat.postMessage({ channel: SUPPORT, text: 'x' }))).toBe('invalid_auth');
  });

  it('auth.test names the bot and lists the scopes in x-oauth-scopes', async () => {
    const { client } = await setup({ botUserId: 'U0BOT', botId: 'B0BOT', teamId: 'T0TEAM', teamDomain: 'acme' });
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0TEAM', url: 'https://acme.slack.com/' });
    expect(res.response_metadata?.scopes).toEqual([...DEFAULT_SCOPES]);
  });

  it('accepts the token as a form argument, as Slack does', async () => {
    const { fake } = await setup();
    const res = await fetch(`${fake.url}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: fake.token }).toString(),
    });
    expect(await res.json()).toMatchObject({ ok: true });
  });
});

describe('chat.postMessage', () => {
  it('records what landed, with unique increasing ts', async () => {
    const { fake, client } = await setup();
    const a = await client.chat.postMessage({ channel: SUPPORT, text: 'one', metadata: { event_type: 'wa', event_payload: { id: 1 } } });
    const b = await client.chat.postMessage({ channel: '#support', text: 'two', blocks: [section('two')] });
    expect(a.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    expect(b.channel).toBe(SUPPORT);
    expect(fake.topLevel(SUPPORT).map((m) => m.text)).toEqual(['one', 'two']);
    expect(fake.messages(SUPPORT)[0]?.metadata).toEqual({ event_type: 'wa', event_payload: { id: 1 } });
    expect(fake.messages(SUPPORT)[1]?.blocks).toEqual([section('two')]);
    expect(fake.calls('chat.postMessage')[0]?.params).toMatchObject({ channel: SUPPORT, text: 'one' });
  });

  it('chat.postEphemeral shows a message to one member only, outside the history, and refuses who is not in the channel', async () => {
    const { fake, client } = await setup({ channels: [...CHANNELS!, { id: 'C0MEMBERS01', name: 'members', members: ['U0AGENT001'] }] });
    const sent = await client.chat.postEphemeral({ channel: SUPPORT, user: 'U0AGENT001', text: 'only you' });
    expect(sent.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(fake.state.ephemerals).toEqual([expect.objectContaining({ channel: SUPPORT, user: 'U0AGENT001', text: 'only you' })]);
    expect(fake.messages(SUPPORT)).toHaveLength(0);
    expect(await slackError(client.chat.postEphemeral({ channel: 'C0MEMBERS01', user: 'U0OTHER001', text: 'x' }))).toBe('user_not_in_channel');
    expect(await slackError(client.chat.postEphemeral({ channel: OUTSIDE, user: 'U0AGENT001', text: 'x' }))).toBe('not_in_channel');
    expect(await slackError(client.chat.postEphemeral({ channel: SUPPORT, user: 'U0AGENT001', text: '' }))).toBe('no_text');
    await client.chat.postEphemeral({ channel: 'C0MEMBERS01', user: 'U0AGENT001', text: 'member' });
    expect(fake.state.ephemerals).toHaveLength(2);
  });

  it('takes application/json bodies, where blocks arrive as arrays', async () => {
    const { fake } = await setup();
    const res = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: SUPPORT, blocks: [section('json')] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: SUPPORT });
    expect(fake.messages(SUPPORT)[0]?.blocks).toEqual([section('json')]);
  });

  it.each([
    ['an unknown channel', { channel: 'C0NOPE' }, 'channel_not_found'],
    ['no channel', {}, 'channel_not_found'],
    ['a private channel the bot is not in', { channel: SECRET }, 'channel_not_found'],
    ['a channel the bot is not in', { channel: OUTSIDE }, 'not_in_channel'],
    ['an archived channel', { channel: ARCHIVED }, 'is_archived'],
  ])('refuses %s', async (_what, args, error) => {
    const { fake, client } = await setup();
    expect(await slackError(client.apiCall('chat.postMessage', { ...args, text: 'x' }))).toBe(error);
    expect(fake.messages()).toEqual([]);
  });

  it('needs text or blocks', async () => {
    const { client } = await setup();
    expect(await slackError(client.apiCall('chat.postMessage', { channel: SUPPORT }))).toBe('no_text');
    expect(await slackError(client.apiCall('chat.postMessage', { channel: SUPPORT, text: '', blocks: [] }))).toBe('no_text');
  });

  it('refuses text over 40,000 characters with msg_too_long, or truncates when told to', async () => {
    const { client } = await setup();
    await client.chat.postMessage({ channel: SUPPORT, text: 'x'.repeat(40_000) });
    expect(await slackError(client.chat.postMessage({ channel: SUPPORT, text: 'x'.repeat(40_001) }))).toBe('msg_too_long');
    const { fake, client: lenient } = await setup({ longText: 'truncate' });
    await lenient.chat.postMessage({ channel: SUPPORT, text: 'x'.repeat(40_001) });
    expect(fake.messages()[0]).toMatchObject({ truncated: true });
    expect(fake.messages()[0]?.text).toHaveLength(40_000);
  });
});

describe('Block Kit limits', () => {
  const long = (n: number) => 'a'.repeat(n);
  const plain = (text: string) => ({ type: 'plain_text', text });
  const cases: [string, unknown[], string][] = [
    ['more than 50 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'no more than 50 items allowed [json-pointer:/blocks]'],
    ['section text over 3000', [section(long(3001))], 'must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    ['more than 10 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => plain('f')) }], 'no more than 10 items allowed [json-pointer:/blocks/0/fields]'],
    ['a field over 2000', [{ type: 'section', fields: [plain('ok'), plain(long(2001))] }], 'must be less than 2001 characters [json-pointer:/blocks/0/fields/1/text]'],
    ['header over 150', [{ type: 'header', text: plain(long(151)) }], 'must be less than 151 characters [json-pointer:/blocks/0/text/text]'],
    ['context over 10 elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => plain('e')) }], 'no more than 10 items allowed [json-pointer:/blocks/0/elements]'],
    ['block_id over 255', [{ ...section('x'), block_id: long(256) }], 'must be less than 256 characters [json-pointer:/blocks/0/block_id]'],
    ['image without a source', [{ type: 'image', alt_text: 'a' }], 'missing required field: image_url [json-pointer:/blocks/0]'],
    ['image without alt_text', [{ type: 'image', image_url: 'https://x.invalid/a.png' }], 'missing required field: alt_text [json-pointer:/blocks/0]'],
    ['alt_text over 2000', [{ type: 'image', image_url: 'https://x.invalid/a.png', alt_text: long(2001) }], 'must be less than 2001 characters [json-pointer:/blocks/0/alt_text]'],
    ['an unknown block type', [{ type: 'divider' }, { type: 'sections' }], 'unsupported type: sections [json-pointer:/blocks/1/type]'],
    ['a block without type', [{ text: plain('x') }], 'missing required field: type [json-pointer:/blocks/0]'],
  ];

  it.each(cases)('answers invalid_blocks for %s, naming the rule', async (_what, blocks, rule) => {
    const { fake, client } = await setup();
    const err = await caught(client.chat.postMessage({ channel: SUPPORT, text: 'fallback', blocks: blocks as never }));
    expect(err.code).toBe(ErrorCode.PlatformError);
    expect(err.data?.error).toBe('invalid_blocks');
    expect(err.data?.response_metadata?.messages).toContain(`[ERROR] ${rule}`);
    expect(err.data?.errors).toContain(rule);
    expect(fake.messages()).toEqual([]);
  });

  it('accepts every limit at its bound', async () => {
    const { fake, client } = await setup();
    const blocks = [
      { ...section(long(3000)), block_id: long(255) },
      { type: 'section', fields: Array.from({ length: 10 }, () => plain(long(200))) },
      { type: 'header', text: plain(long(150)) },
      { type: 'context', elements: Array.from({ length: 10 }, () => plain('e')) },
      { type: 'image', slack_file: { id: 'F1' }, alt_text: long(2000) },
      ...Array.from({ length: 45 }, () => ({ type: 'divider' })),
    ];
    await client.chat.postMessage({ channel: SUPPORT, text: 'fallback', blocks });
    expect(fake.messages()[0]?.blocks).toHaveLength(50);
  });

  it('answers msg_blocks_too_long past the summed-text bound (13,000 by default, configurable)', async () => {
    const { client } = await setup();
    const blocks = Array.from({ length: 5 }, () => section(long(2700)));
    expect(await slackError(client.chat.postMessage({ channel: SUPPORT, text: 'x', blocks }))).toBe('msg_blocks_too_long');
    const { client: roomy } = await setup({ maxBlocksTextChars: 20_000 });
    await expect(roomy.chat.postMessage({ channel: SUPPORT, text: 'x', blocks })).resolves.toMatchObject({ ok: true });
  });

  it('answers invalid_blocks_format when blocks is not an array', async () => {
    const { client } = await setup();
    expect(await slackError(client.apiCall('chat.postMessage', { channel: SUPPORT, blocks: { type: 'divider' } }))).toBe(
      'invalid_blocks_format',
    );
    expect(await slackError(client.apiCall('chat.postMessage', { channel: SUPPORT, blocks: '[nope' }))).toBe('invalid_blocks_format');
  });
});

describe('thread_ts', () => {
  it('threads under a top-level message', async () => {
    const { fake, client } = await setup();
    const parent = await client.chat.postMessage({ channel: SUPPORT, text: 'ticket' });
    const reply = await client.chat.postMessage({ channel: SUPPORT, text: 'reply', thread_ts: parent.ts! });
    expect(reply.message?.thread_ts).toBe(parent.ts);
    expect(fake.threadReplies(SUPPORT, parent.ts!).map((m) => m.text)).toEqual(['reply']);
    expect(fake.topLevel(SUPPORT).map((m) => m.text)).toEqual(['ticket']);
  });

  it('refuses a reply ts, an unknown ts and another channel’s ts with thread_not_found (strict)', async () => {
    const { fake, client } = await setup();
    const parent = await client.chat.postMessage({ channel: SUPPORT, text: 'ticket' });
    const reply = await client.chat.postMessage({ channel: SUPPORT, text: 'r1', thread_ts: parent.ts! });
    const post = (channel: string, thread_ts: string) => client.chat.postMessage({ channel, text: 'r2', thread_ts });
    expect(await slackError(post(SUPPORT, reply.ts!))).toBe('thread_not_found');
    expect(await slackError(post(SUPPORT, '1600000000.000100'))).toBe('thread_not_found');
    expect(await slackError(post(GENERAL, parent.ts!))).toBe('thread_not_found');
    const malformed = await caught(post(SUPPORT, '0'));
    expect(malformed.data?.error).toBe('invalid_thread_ts');
    expect(malformed.data?.response_metadata?.messages).toEqual(['[ERROR] 0 is not a valid thread_ts']);
    expect(fake.messages()).toHaveLength(2);
  });

  it('under threadTsPolicy "slack", reparents a reply ts and orphans an unknown ts like real Slack', async () => {
    const { fake, client } = await setup({ threadTsPolicy: 'slack' });
    const parent = await client.chat.postMessage({ channel: SUPPORT, text: 'ticket' });
    const r1 = await client.chat.postMessage({ channel: SUPPORT, text: 'r1', thread_ts: parent.ts! });
    await client.chat.postMessage({ channel: SUPPORT, text: 'r2', thread_ts: r1.ts! });
    await client.chat.postMessage({ channel: SUPPORT, text: 'lost', thread_ts: '1600000000.000100' });
    expect(fake.threadReplies(SUPPORT, parent.ts!).map((m) => m.text)).toEqual(['r1', 'r2']);
    expect(fake.messages().find((m) => m.text === 'lost')).toMatchObject({ orphaned: true, thread_ts: '1600000000.000100' });
  });
});

describe('chat.update', () => {
  it('edits the bot’s own message and keeps the history', async () => {
    const { fake, client } = await setup();
    const { ts } = await client.chat.postMessage({ channel: SUPPORT, text: 'draft' });
    const res = await client.chat.update({ channel: SUPPORT, ts: ts!, text: 'final', blocks: [section('final')] });
    expect(res).toMatchObject({ ok: true, channel: SUPPORT, ts, text: 'final' });
    const [m] = fake.messages();
    expect(m).toMatchObject({ text: 'final', blocks: [section('final')] });
    expect(m?.edits).toEqual([
      { at: expect.any(Number), text: 'final', blocks: [section('final')], previous: { text: 'draft', blocks: undefined } },
    ]);
  });

  it('answers message_not_found, cant_update_message, and enforces the same limits', async () => {
    const { fake, client } = await setup();
    expect(await slackError(client.chat.update({ channel: SUPPORT, ts: '1600000000.000100', text: 'x' }))).toBe('message_not_found');
    const human = fake.addUserMessage({ channel: SUPPORT, user: 'U0HUMAN', text: 'hello' });
    expect(await slackError(client.chat.update({ channel: SUPPORT, ts: human.ts, text: 'x' }))).toBe('cant_update_message');
    // Another app's message (WhatsAppInSlack's thread parent): only the app that posted it may edit it.
    const otherApp = fake.addUserMessage({ channel: SUPPORT, user: 'U0OTHERBOT', bot_id: 'B0OTHERAPP', text: 'Sheena Nelson' });
    expect(await slackError(client.chat.update({ channel: SUPPORT, ts: otherApp.ts, text: 'x' }))).toBe('cant_update_message');
    expect(fake.messages().find((m) => m.ts === otherApp.ts)).toMatchObject({ text: 'Sheena Nelson', edits: [] });
    const { ts } = await client.chat.postMessage({ channel: SUPPORT, text: 'mine' });
    expect(await slackError(client.chat.update({ channel: SUPPORT, ts: ts!, text: 'x', blocks: [section('a'.repeat(3001))] }))).toBe(
      'invalid_blocks',
    );
    expect(await slackError(client.apiCall('chat.update', { channel: SUPPORT, ts }))).toBe('no_text');
  });
});

describe('identity overrides and chat:write.customize', () => {
  const overrides = { username: 'Maria (WhatsApp)', icon_emoji: ':speech_balloon:' };

  it('applies username and icon with the scope', async () => {
    const { fake, client } = await setup();
    const res = await client.chat.postMessage({ channel: SUPPORT, text: 'hi', ...overrides });
    expect(res.message).toMatchObject({ username: 'Maria (WhatsApp)', icons: { emoji: ':speech_balloon:' } });
    expect(fake.messages()[0]).toMatchObject({ ...overrides, ignored_overrides: [] });
  });

  it('without the scope posts anyway, under the app’s identity, and records what it dropped', async () => {
    const { fake, client } = await setup({ scopes: DEFAULT_SCOPES.filter((s) => s !== 'chat:write.customize') });
    // The SDK's types make icon_url and icon_emoji exclusive; the wire does not.
    const res = await client.apiCall('chat.postMessage', { channel: SUPPORT, text: 'hi', icon_url: 'https://x.invalid/i.png', ...overrides });
    expect(res.ok).toBe(true);
    expect((res as { message?: { username?: string } }).message?.username).toBeUndefined();
    expect(fake.messages()[0]).toMatchObject({
      username: undefined,
      icon_url: undefined,
      icon_emoji: undefined,
      ignored_overrides: ['username', 'icon_url', 'icon_emoji'],
    });
  });
});

describe('reactions, conversations, users, permalinks', () => {
  it('adds and removes reactions; a repeat is already_reacted', async () => {
    const { fake, client } = await setup();
    const { ts } = await client.chat.postMessage({ channel: SUPPORT, text: 'x' });
    await client.reactions.add({ channel: SUPPORT, timestamp: ts!, name: 'white_check_mark' });
    expect(await slackError(client.reactions.add({ channel: SUPPORT, timestamp: ts!, name: 'white_check_mark' }))).toBe('already_reacted');
    expect(fake.messages()[0]?.reactions).toEqual([{ name: 'white_check_mark', users: [fake.state.botUserId], count: 1 }]);
    await client.reactions.remove({ channel: SUPPORT, timestamp: ts!, name: 'white_check_mark' });
    expect(fake.messages()[0]?.reactions).toEqual([]);
    expect(await slackError(client.reactions.remove({ channel: SUPPORT, timestamp: ts!, name: 'white_check_mark' }))).toBe('no_reaction');
    expect(await slackError(client.reactions.add({ channel: SUPPORT, timestamp: '1600000000.000100', name: 'x' }))).toBe(
      'message_not_found',
    );
  });

  it('conversations.info reports membership; join makes the bot a member', async () => {
    const { client } = await setup();
    expect((await client.conversations.info({ channel: OUTSIDE })).channel).toMatchObject({ id: OUTSIDE, name: 'outside', is_member: false });
    expect(await slackError(client.conversations.info({ channel: SECRET }))).toBe('channel_not_found');
    await client.conversations.join({ channel: OUTSIDE });
    expect((await client.conversations.info({ channel: OUTSIDE })).channel?.is_member).toBe(true);
    expect((await client.conversations.join({ channel: OUTSIDE })).warning).toBe('already_in_channel');
    await expect(client.chat.postMessage({ channel: OUTSIDE, text: 'now I can' })).resolves.toMatchObject({ ok: true });
  });

  it('conversations.list pages with next_cursor', async () => {
    const channels = Array.from({ length: 7 }, (_, i) => ({ id: `C0PAGE0000${i}`, name: `page-${i}` }));
    const { client } = await setup({ channels });
    const seen: string[] = [];
    let pages = 0;
    for await (const page of client.paginate('conversations.list', { limit: 3 })) {
      pages += 1;
      seen.push(...((page as { channels?: { id: string }[] }).channels ?? []).map((c) => c.id));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(channels.map((c) => c.id));
    expect(await slackError(client.conversations.list({ cursor: 'bm9wZQ==' }))).toBe('invalid_cursor');
  });

  it('users.info and chat.getPermalink', async () => {
    const { client } = await setup({ users: [{ id: 'U0AGENT', name: 'ana', realName: 'Ana Agent' }], teamDomain: 'acme' });
    expect((await client.users.info({ user: 'U0AGENT' })).user).toMatchObject({ id: 'U0AGENT', real_name: 'Ana Agent' });
    expect(await slackError(client.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
    const parent = await client.chat.postMessage({ channel: SUPPORT, text: 'p' });
    const reply = await client.chat.postMessage({ channel: SUPPORT, text: 'r', thread_ts: parent.ts! });
    const link = await client.chat.getPermalink({ channel: SUPPORT, message_ts: reply.ts! });
    expect(link.permalink).toBe(
      `https://acme.slack.com/archives/${SUPPORT}/p${reply.ts!.replace('.', '')}?thread_ts=${parent.ts}&cid=${SUPPORT}`,
    );
  });
});

describe('file uploads', () => {
  it('client.filesUploadV2 runs the three steps and lands the file in the thread', async () => {
    const { fake, client } = await setup();
    const parent = await client.chat.postMessage({ channel: SUPPORT, text: 'ticket' });
    const bytes = Buffer.from('%PDF-1.4 fake invoice');
    const res = await client.filesUploadV2({
      channel_id: SUPPORT,
      thread_ts: parent.ts!,
      initial_comment: 'Invoice from the customer',
      file: bytes,
      filename: 'invoice.pdf',
      title: 'Invoice',
    });
    expect(res.ok).toBe(true);
    expect(fake.calls().map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    const [reply] = fake.threadReplies(SUPPORT, parent.ts!);
    expect(reply).toMatchObject({ text: 'Invoice from the customer' });
    expect(reply?.files).toEqual([expect.objectContaining({ name: 'invoice.pdf', title: 'Invoice', mimetype: 'application/pdf', size: bytes.length })]);
    const file = fake.state.files.get(reply!.files![0]!.id);
    expect(file?.bytes?.equals(bytes)).toBe(true);
  });

  it('the manual flow: getUploadURLExternal, POST raw bytes, completeUploadExternal', async () => {
    const { fake, client } = await setup();
    const parent = await client.chat.postMessage({ channel: SUPPORT, text: 'ticket' });
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const ticket = await client.files.getUploadURLExternal({ filename: 'photo.png', length: bytes.length });
    expect(ticket.upload_url?.startsWith(fake.baseUrl)).toBe(true);
    expect(await slackError(client.files.completeUploadExternal({ files: [{ id: ticket.file_id! }], channel_id: SUPPORT }))).toBe(
      'file_not_found',
    );
    const put = await fetch(ticket.upload_url!, { method: 'POST', body: bytes });
    expect(put.status).toBe(200);
    const done = await client.files.completeUploadExternal({
      files: [{ id: ticket.file_id!, title: 'Photo' }],
      channel_id: SUPPORT,
      thread_ts: parent.ts!,
    });
    expect(done.files).toEqual([{ id: ticket.file_id, title: 'Photo' }]);
    expect(fake.threadReplies(SUPPORT, parent.ts!)[0]?.files?.[0]).toMatchObject({ id: ticket.file_id, mimetype: 'image/png' });
  });

  it('accepts a multipart upload and checks the declared length', async () => {
    const { fake, client } = await setup();
    const ticket = await client.files.getUploadURLExternal({ filename: 'note.txt', length: 5 });
    const tooShort = await fetch(ticket.upload_url!, { method: 'POST', body: 'abc' });
    expect(tooShort.status).toBe(400);
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'note.txt');
    expect((await fetch(ticket.upload_url!, { method: 'POST', body: form })).status).toBe(200);
    expect(fake.state.files.get(ticket.file_id!)?.bytes?.toString()).toBe('hello');
    // No channel: the file stays private and nothing is posted.
    await client.files.completeUploadExternal({ files: [{ id: ticket.file_id! }] });
    expect(fake.messages()).toEqual([]);
  });

  it('refuses missing arguments, JSON bodies for the URL request, and the sunset files.upload', async () => {
    const { fake, client } = await setup();
    const noName = await caught(client.apiCall('files.getUploadURLExternal', { length: 3 }));
    expect(noName.data).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: filename'] } });
    expect(await slackError(client.files.getUploadURLExternal({ filename: 'a.txt', length: 0 }))).toBe('missing_argument');
    const json = await fetch(`${fake.url}files.getUploadURLExternal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ filename: 'a.txt', length: 3 }),
    });
    expect(await json.json()).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(await slackError(client.apiCall('files.upload', { channels: SUPPORT, content: 'x' }))).toBe('method_deprecated');
    const parent = await client.chat.postMessage({ channel: SUPPORT, text: 'p' });
    const reply = await client.chat.postMessage({ channel: SUPPORT, text: 'r', thread_ts: parent.ts! });
    const up = client.filesUploadV2({ channel_id: SUPPORT, thread_ts: reply.ts!, content: 'x', filename: 'x.txt' });
    expect(await slackError(up)).toBe('thread_not_found');
  });

  it('completeUploadExternal honours identity overrides only with chat:write.customize', async () => {
    const upload = async (fake: FakeSlack, client: WebClient) => {
      const ticket = await client.files.getUploadURLExternal({ filename: 'x.txt', length: 1 });
      await fetch(ticket.upload_url!, { method: 'POST', body: 'x' });
      await client.files.completeUploadExternal({ files: [{ id: ticket.file_id! }], channel_id: SUPPORT, username: 'Maria' } as never);
      return fake.messages()[0];
    };
    const withScope = await setup();
    expect(await upload(withScope.fake, withScope.client)).toMatchObject({ username: 'Maria', ignored_overrides: [] });
    const without = await setup({ scopes: ['chat:write', 'files:write'] });
    expect(await upload(without.fake, without.client)).toMatchObject({ username: undefined, ignored_overrides: ['username'] });
  });

  it('note: the SDK’s filesUploadV2 does not forward username/icon to completeUploadExternal', async () => {
    const { fake, client } = await setup();
    await client.filesUploadV2({ channel_id: SUPPORT, content: 'x', filename: 'x.txt', username: 'Maria' } as never);
    expect(fake.calls('files.completeUploadExternal')[0]?.params).not.toHaveProperty('username');
    expect(fake.messages()[0]?.username).toBeUndefined();
  });

  it('serves url_private of an agent’s file only with the bot token', async () => {
    const { fake } = await setup();
    const file = fake.addPrivateFile(Buffer.from('voice-note'), { name: 'note.ogg', mimetype: 'audio/ogg' });
    fake.addUserMessage({ channel: SUPPORT, user: 'U0AGENT', text: 'listen', files: [file] });
    expect(fake.messages()[0]?.files?.[0]).toMatchObject({ id: file.id, url_private: file.url_private });
    expect((await fetch(file.url_private)).status).toBe(401);
    expect((await fetch(file.url_private, { headers: { authorization: 'Bearer xoxb-wrong' } })).status).toBe(401);
    const ok = await fetch(file.url_private_download, { headers: { authorization: `Bearer ${fake.token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('audio/ogg');
    expect(Buffer.from(await ok.arrayBuffer()).toString()).toBe('voice-note');
  });
});

describe('rate limits and injected failures', () => {
  it('limits chat.postMessage per channel: 429 with Retry-After surfaces as RateLimitedError', async () => {
    let clock = 1_000_000;
    const { fake, client } = await setup({ rateLimit: { perChannelPerSecond: 1, burst: 2 }, now: () => clock });
    await client.chat.postMessage({ channel: SUPPORT, text: '1' });
    await client.chat.postMessage({ channel: SUPPORT, text: '2' });
    const err = await caught(client.chat.postMessage({ channel: SUPPORT, text: '3' }));
    expect(err.code).toBe('slack_webapi_rate_limited_error');
    expect(err.retryAfter).toBe(1);
    await client.chat.postMessage({ channel: GENERAL, text: 'other channel is fine' });
    expect(fake.calls('chat.postMessage').map((c) => c.httpStatus)).toEqual([200, 200, 429, 200]);

    clock += 200; // the client ignored Retry-After
    expect((await caught(client.chat.postMessage({ channel: SUPPORT, text: '3' }))).code).toBe(ErrorCode.RateLimitedError);
    expect(fake.requestsDuringRetryAfter('chat.postMessage')).toBe(1);
    clock += 1000;
    await client.chat.postMessage({ channel: SUPPORT, text: '3' });
    expect(fake.topLevel(SUPPORT).map((m) => m.text)).toEqual(['1', '2', '3']);
    expect(fake.requestsDuringRetryAfter()).toBe(1);
  });

  it('failNext injects a 429 whose Retry-After a patient client honours', async () => {
    const { fake, client } = await setup();
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = await caught(client.chat.postMessage({ channel: SUPPORT, text: 'x' }));
    expect(err).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(fake.calls('chat.postMessage')[0]).toMatchObject({ httpStatus: 429, error: 'ratelimited', injected: true });
    await client.auth.test(); // other methods are not held back
    expect(fake.requestsDuringRetryAfter()).toBe(0);

    const { fake: fake2 } = await setup();
    const patient = new WebClient(fake2.token, { slackApiUrl: fake2.url, retryConfig: { retries: 1, minTimeout: 0 }, logger: quiet });
    fake2.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await expect(patient.chat.postMessage({ channel: SUPPORT, text: 'eventually' })).resolves.toMatchObject({ ok: true });
    expect(fake2.calls('chat.postMessage').map((c) => c.httpStatus)).toEqual([429, 200]);
    expect(fake2.requestsDuringRetryAfter()).toBe(0);
  });

  it('failNext injects 5xx (WebAPIHTTPError) and ok:false errors, count times', async () => {
    const { fake, client } = await setup();
    fake.failNext('chat.postMessage', { status: 503, count: 2 });
    fake.failNext('chat.postMessage', { error: 'fatal_error' });
    const http = await caught(client.chat.postMessage({ channel: SUPPORT, text: 'x' }));
    expect(http).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    expect((await caught(client.chat.postMessage({ channel: SUPPORT, text: 'x' }))).statusCode).toBe(503);
    expect(await slackError(client.chat.postMessage({ channel: SUPPORT, text: 'x' }))).toBe('fatal_error');
    await client.chat.postMessage({ channel: SUPPORT, text: 'x' });
    expect(fake.messages()).toHaveLength(1);
  });

  it('failNext can break the upload URL', async () => {
    const { fake, client } = await setup();
    fake.failNext('upload', { status: 500 });
    const err = await caught(client.filesUploadV2({ channel_id: SUPPORT, content: 'x', filename: 'x.txt' }));
    expect(err.code).toBe(ErrorCode.HTTPError);
    expect(fake.calls('files.completeUploadExternal')).toEqual([]);
  });
});

describe('scopes', () => {
  it('records calls the token lacks the scope for, and refuses them with enforceScopes', async () => {
    const { fake, client } = await setup();
    await client.conversations.info({ channel: SUPPORT });
    expect(fake.scopeViolations().map((c) => [c.method, c.missingScope])).toEqual([['conversations.info', 'channels:read']]);

    const { client: strict } = await setup({ enforceScopes: true });
    const err = await caught(strict.conversations.join({ channel: OUTSIDE }));
    expect(err.data).toMatchObject({ error: 'missing_scope', needed: 'channels:join' });
    const { client: granted } = await setup({ enforceScopes: true, scopes: [...DEFAULT_SCOPES, 'channels:read'] });
    await expect(granted.conversations.info({ channel: SUPPORT })).resolves.toMatchObject({ ok: true });
  });
});

/** Polls until `cond` holds (a condition, not a sleep standing in for one). */
async function until(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('faults: hung calls, slow calls, refused connections, 5xx on files', () => {
  it('hang leaves a call unanswered until released, then answers it as if it had just arrived', async () => {
    const { fake, client } = await setup();
    const hold = fake.hang('chat.postMessage', { count: 1 });
    const held = client.chat.postMessage({ channel: SUPPORT, text: 'held' });
    await until(() => hold.waiting === 1, 'the post to be held');
    // Other methods, and the next post, are answered meanwhile.
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    await client.chat.postMessage({ channel: SUPPORT, text: 'after' });
    expect(fake.topLevel(SUPPORT).map((m) => m.text)).toEqual(['after']);
    expect(fake.calls('chat.postMessage')).toHaveLength(1);

    hold.release();
    await expect(held).resolves.toMatchObject({ ok: true, channel: SUPPORT });
    expect(fake.topLevel(SUPPORT).map((m) => m.text)).toEqual(['after', 'held']);
    expect(hold).toMatchObject({ caught: 1, waiting: 0 });
  });

  it('without a count, hangs every call until released; a client timeout is the only way out', async () => {
    const { fake } = await setup();
    const bounded = new WebClient(fake.token, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, timeout: 100, logger: quiet });
    const hold = fake.hang('*');
    const err = await caught(bounded.auth.test());
    expect(err.code).toBe(ErrorCode.RequestError);
    const again = bounded.conversations.info({ channel: SUPPORT });
    expect((await caught(again)).code).toBe(ErrorCode.RequestError);
    expect(hold.caught).toBe(2);
    hold.release();
    await expect(bounded.auth.test()).resolves.toMatchObject({ ok: true });
  });

  it('close() ends promptly with hung requests open, cutting them off', async () => {
    const { fake, client } = await setup();
    const hold = fake.hang('*');
    const held = caught(client.chat.postMessage({ channel: SUPPORT, text: 'never' }));
    await until(() => hold.waiting === 1, 'the post to be held');
    await fake.close();
    expect((await held).code).toBe(ErrorCode.RequestError);
    expect(fake.messages()).toEqual([]);
  });

  it('hangs the upload URL and url_private downloads too', async () => {
    const { fake, client } = await setup();
    const ticket = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 2 });
    const uploadHold = fake.hang('upload');
    const put = fetch(ticket.upload_url!, { method: 'POST', body: 'ok' });
    await until(() => uploadHold.waiting === 1, 'the upload to be held');
    expect(fake.calls('upload')).toEqual([]);
    uploadHold.release();
    expect((await put).status).toBe(200);

    const file = fake.addPrivateFile(Buffer.from('voice'), { name: 'v.ogg', mimetype: 'audio/ogg' });
    const fileHold = fake.hang('file', { count: 1 });
    const get = fetch(file.url_private, { headers: { authorization: `Bearer ${fake.token}` } });
    await until(() => fileHold.waiting === 1, 'the download to be held');
    fileHold.release();
    expect(await (await get).text()).toBe('voice');
  });

  it('delay makes a call slow but answered', async () => {
    const { fake, client } = await setup();
    fake.delay('chat.postMessage', 800);
    const bounded = new WebClient(fake.token, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, timeout: 100, logger: quiet });
    expect((await caught(bounded.chat.postMessage({ channel: SUPPORT, text: 'slow' }))).code).toBe(ErrorCode.RequestError);
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true }); // other methods are not slowed
    fake.delay('chat.postMessage', 50);
    await expect(client.chat.postMessage({ channel: SUPPORT, text: 'slow but there' })).resolves.toMatchObject({ ok: true });
    fake.delay('chat.postMessage', 0);
    await expect(bounded.chat.postMessage({ channel: SUPPORT, text: 'fast' })).resolves.toMatchObject({ ok: true });
    // The first post landed too, once its delay was over, although its client had given up.
    await until(() => fake.topLevel(SUPPORT).length === 3, 'the slow post to land');
  });

  it('refuseConnections gives ECONNREFUSED on the same port until acceptConnections', async () => {
    const { fake, client } = await setup();
    await client.auth.test(); // a kept-alive connection exists: it is cut too
    await fake.refuseConnections();
    const refused = await fetch(`${fake.url}auth.test`).then(
      () => undefined,
      (err: unknown) => (err as { cause?: { code?: string } }).cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
    expect((await caught(client.chat.postMessage({ channel: SUPPORT, text: 'x' }))).code).toBe(ErrorCode.RequestError);
    expect(fake.calls('chat.postMessage')).toEqual([]);
    await fake.acceptConnections();
    await expect(client.chat.postMessage({ channel: SUPPORT, text: 'back' })).resolves.toMatchObject({ ok: true });
    expect(fake.topLevel(SUPPORT).map((m) => m.text)).toEqual(['back']);
  });

  it('failNext answers 5xx on the upload URL and on url_private downloads', async () => {
    const { fake, client } = await setup();
    fake.failNext('upload', { status: 503 });
    const err = await caught(client.filesUploadV2({ channel_id: SUPPORT, content: 'x', filename: 'x.txt' }));
    expect(err).toMatchObject({ code: ErrorCode.HTTPError });
    expect(fake.calls('upload')[0]).toMatchObject({ httpStatus: 503, injected: true });

    const file = fake.addPrivateFile(Buffer.from('pdf'), { name: 'a.pdf', mimetype: 'application/pdf' });
    fake.failNext('file', { status: 503, count: 2 });
    const auth = { headers: { authorization: `Bearer ${fake.token}` } };
    expect((await fetch(file.url_private, auth)).status).toBe(503);
    expect((await fetch(file.url_private, auth)).status).toBe(503);
    const ok = await fetch(file.url_private, auth);
    expect([ok.status, await ok.text()]).toEqual([200, 'pdf']);
    expect(fake.calls('file').map((c) => c.httpStatus)).toEqual([503, 503, 200]);
  });
});
