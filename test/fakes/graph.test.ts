/**
 * The fake Graph's vendor behaviour, driven over plain HTTP as the Cloud API documents it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGraph, MEDIA_LIMITS, META_RATE_LIMIT, type FakeGraph, type FakeGraphOptions } from './graph.js';

const TOKEN = 'graph-token';
const PNID = '106540352242922';
const USER = '16505551234';
const OTHER = '16505550000';

let fakes: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup(opts: Partial<FakeGraphOptions> = {}): Promise<FakeGraph> {
  const fake = await createFakeGraph({ token: TOKEN, phoneNumberId: PNID, displayPhoneNumber: '15550783881', ...opts });
  fakes.push(fake);
  return fake;
}

interface GraphAnswer {
  status: number;
  retryAfter: string | null;
  body: { messages?: Array<{ id: string }>; id?: string; error?: { code: number; message: string; error_data?: { details?: string } } };
}

async function send(fake: FakeGraph, message: Record<string, unknown>): Promise<GraphAnswer> {
  const res = await fetch(`${fake.url}/${PNID}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messaging_product: 'whatsapp', ...message }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as GraphAnswer['body'] };
}

const text = (to: string, body = 'hi', extra: Record<string, unknown> = {}) => ({ to, type: 'text', text: { body }, ...extra });
const template = (to: string) => ({ to, type: 'template', template: { name: 'reopen_conversation', language: { code: 'en_US' } } });

async function upload(fake: FakeGraph, bytes: Uint8Array, mimeType: string, fileName = 'f'): Promise<GraphAnswer> {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', mimeType);
  form.append('file', new Blob([bytes], { type: mimeType }), fileName);
  const res = await fetch(`${fake.url}/${PNID}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as GraphAnswer['body'] };
}

/** Polls until `cond` holds (a condition, not a sleep standing in for one). */
async function until(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const networkError = (p: Promise<unknown>) =>
  p.then(
    () => 'answered',
    (err: unknown) => (err as { cause?: { code?: string } }).cause?.code ?? String(err),
  );

describe('sends addressed to a business-scoped user id', () => {
  const BSUID = 'US.13491208655302741918';

  it('accepts a BSUID or parent BSUID in recipient, answers its user_id, and names it in the statuses', async () => {
    const fake = await setup();
    fake.userWrote(BSUID);
    const sent = await send(fake, { recipient: BSUID, type: 'text', text: { body: 'hi' } });
    expect(sent.status).toBe(200);
    expect((sent.body as { contacts?: unknown[] }).contacts).toEqual([{ input: BSUID, user_id: BSUID }]);
    const status = JSON.stringify(fake.statusWebhook(sent.body.messages![0]!.id, 'delivered'));
    expect(status).toContain(`"recipient_user_id":"${BSUID}"`);
    expect(status).not.toContain('recipient_id');
    expect((await send(fake, { recipient: 'US.ENT.11815799212886844830', type: 'template', template: { name: 'reopen_conversation', language: { code: 'en_US' } } })).status).toBe(200);
  });

  it('refuses a malformed recipient with (#100), and a message with neither to nor recipient', async () => {
    const fake = await setup();
    for (const recipient of ['13491208655302741918', 'us.1349', 'US.', 'US.1349-1', 42]) {
      const r = await send(fake, { recipient, type: 'text', text: { body: 'hi' } });
      expect(r.status, String(recipient)).toBe(400);
      expect(r.body.error?.code).toBe(100);
    }
    expect((await send(fake, { type: 'text', text: { body: 'hi' } })).body.error?.message).toContain('The parameter to is required.');
    expect(fake.sent).toEqual([]);
  });
});

describe('the 24-hour customer-service window', () => {
  it('refuses free-form messages to a user who has not written in 24 hours with 131047; templates pass', async () => {
    let clock = 1_750_000_000_000;
    const fake = await setup({ now: () => clock });
    const never = await send(fake, text(USER));
    expect(never).toMatchObject({ status: 400, body: { error: { code: 131047, message: '(#131047) Re-engagement message' } } });
    expect(never.body.error?.error_data?.details).toMatch(/more than 24 hours/i);
    expect((await send(fake, template(USER))).status).toBe(200);
    expect(fake.sent.map((m) => m.type)).toEqual(['template']);

    fake.userWrote(`+${USER}`, clock - 60_000); // numbers compare by digits
    expect((await send(fake, text(USER))).status).toBe(200);
    expect((await send(fake, { to: USER, type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } })).status).toBe(200);
    expect((await send(fake, text(OTHER))).body.error?.code).toBe(131047);

    clock += 24 * 60 * 60_000; // 24 h and a minute after the user wrote
    expect((await send(fake, text(USER))).body.error?.code).toBe(131047);
    fake.userWrote(USER);
    expect((await send(fake, text(USER))).status).toBe(200);
  });

  it('can be turned off', async () => {
    const fake = await setup({ serviceWindow: false });
    expect((await send(fake, text(USER))).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('per business number: 130429 with Retry-After, and requests inside the window are counted', async () => {
    let clock = 1_000_000;
    const fake = await setup({ serviceWindow: false, now: () => clock, rateLimit: { perSecond: 1, burst: 2, pairPerMinute: 0 } });
    expect((await send(fake, text(USER))).status).toBe(200);
    expect((await send(fake, text(OTHER))).status).toBe(200);
    const limited = await send(fake, text(USER));
    expect(limited).toMatchObject({ status: 400, retryAfter: '1', body: { error: { code: 130429, message: '(#130429) Rate limit hit' } } });
    clock += 200; // ignoring Retry-After
    expect((await send(fake, text(OTHER))).body.error?.code).toBe(130429);
    expect(fake.requestsDuringRetryAfter('throughput')).toBe(1);
    clock += 1_000;
    expect((await send(fake, text(OTHER))).status).toBe(200);
    expect(fake.requestsDuringRetryAfter()).toBe(1);
    expect(fake.sent).toHaveLength(3);
  });

  it('per user (pair rate): 131056 with Retry-After; other users are not held back', async () => {
    let clock = 1_000_000;
    const fake = await setup({ serviceWindow: false, now: () => clock, rateLimit: { perSecond: 100, pairPerMinute: 10, pairBurst: 2 } });
    await send(fake, text(USER));
    await send(fake, text(USER));
    const limited = await send(fake, text(USER));
    expect(limited).toMatchObject({ status: 400, retryAfter: '6', body: { error: { code: 131056 } } });
    expect((await send(fake, text(OTHER))).status).toBe(200);
    clock += 3_000;
    expect((await send(fake, text(USER))).body.error?.code).toBe(131056);
    expect(fake.requestsDuringRetryAfter('pair')).toBe(1);
    clock += 3_000;
    expect((await send(fake, text(USER))).status).toBe(200);
  });

  it('are on by default with Meta’s figures: a burst of 45 to one user, then 131056', async () => {
    const clock = 1_000_000;
    const fake = await setup({ serviceWindow: false, now: () => clock });
    expect(META_RATE_LIMIT).toEqual({ perSecond: 80, burst: 80, pairPerMinute: 10, pairBurst: 45 });
    const answers = [];
    for (let i = 0; i < 46; i++) answers.push((await send(fake, text(USER, `m${i}`))).status);
    expect(answers.filter((s) => s === 200)).toHaveLength(45);
    expect(answers.at(-1)).toBe(400);
  });
});

describe('media', () => {
  it('refuses uploads over the size of their type with 131053, and types Graph does not take with (#100)', async () => {
    const fake = await setup();
    expect((await upload(fake, new Uint8Array(MEDIA_LIMITS.image), 'image/png', 'a.png')).status).toBe(200);
    const big = await upload(fake, new Uint8Array(MEDIA_LIMITS.image + 1), 'image/png', 'b.png');
    expect(big).toMatchObject({ status: 400, body: { error: { code: 131053, message: '(#131053) Media upload error' } } });
    expect(big.body.error?.error_data?.details).toContain('5MB');
    expect((await upload(fake, new Uint8Array(MEDIA_LIMITS.image + 1), 'video/mp4', 'v.mp4')).status).toBe(200);

    const staticWebp = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 '), Buffer.alloc(MEDIA_LIMITS.sticker)]);
    expect((await upload(fake, staticWebp, 'image/webp', 's.webp')).body.error?.code).toBe(131053);
    const animated = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8X'), Buffer.from([0, 0, 0, 0, 0x02]), Buffer.alloc(MEDIA_LIMITS.sticker)]);
    expect((await upload(fake, animated, 'image/webp', 'a.webp')).status).toBe(200);

    const zip = await upload(fake, Buffer.from('PK'), 'application/zip', 'a.zip');
    expect(zip).toMatchObject({ status: 400, body: { error: { code: 100 } } });
    expect(zip.body.error?.message).toContain("Received file of type 'application/zip'");
    expect(fake.uploaded.map((u) => u.fileName)).toEqual(['a.png', 'v.mp4', 'a.webp']);
  });

  it('accepts a message with media of the wrong type, which then fails in its status webhook (131053)', async () => {
    const fake = await setup({ serviceWindow: false });
    const video = (await upload(fake, Buffer.from('mp4'), 'video/mp4', 'v.mp4')).body.id!;
    const sent = await send(fake, { to: USER, type: 'image', image: { id: video } });
    expect(sent.status).toBe(200);
    const wamid = sent.body.messages![0]!.id;
    const [status] = statusesOf(fake.statusWebhook(wamid, 'failed'));
    expect(status).toMatchObject({ id: wamid, status: 'failed', recipient_id: USER, errors: [{ code: 131053, title: 'Media upload error' }] });
    expect(status?.errors?.[0]?.error_data.details).toBe('Unsupported Image mime type video/mp4. Please use one of image/png, image/jpeg.');
    const asVideo = await send(fake, { to: USER, type: 'video', video: { id: video } });
    expect(fake.messages.find((m) => m.wamid === asVideo.body.messages![0]!.id)?.asyncError).toBeUndefined();
  });
});

interface Status { id: string; status: string; recipient_id: string; biz_opaque_callback_data?: string; errors?: Array<{ code: number; title: string; error_data: { details: string } }> }
const statusesOf = (body: Record<string, unknown>) =>
  (body as { entry: Array<{ changes: Array<{ value: { statuses: Status[] } }> }> }).entry[0]!.changes[0]!.value.statuses;

describe('biz_opaque_callback_data and status webhooks', () => {
  it('keeps the field (≤ 512 chars) on the message and in its statuses; refuses a longer one', async () => {
    const fake = await setup({ serviceWindow: false });
    const tooLong = await send(fake, text(USER, 'x', { biz_opaque_callback_data: 'j'.repeat(513) }));
    expect(tooLong).toMatchObject({ status: 400, body: { error: { code: 100 } } });
    const ok = await send(fake, text(USER, 'x', { biz_opaque_callback_data: 'job-42'.padEnd(512, '.') }));
    const plain = await send(fake, text(USER, 'y'));
    expect(fake.sent.map((m) => m.biz_opaque_callback_data)).toEqual(['job-42'.padEnd(512, '.'), undefined]);

    const body = fake.statusWebhook(ok.body.messages![0]!.id, 'delivered', { timestamp: 1_750_000_000 });
    expect(body).toMatchObject({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { metadata: { phone_number_id: PNID } } }] }] });
    expect(statusesOf(body)[0]).toMatchObject({ status: 'delivered', timestamp: '1750000000', recipient_id: USER, biz_opaque_callback_data: 'job-42'.padEnd(512, '.') });
    expect(statusesOf(fake.statusWebhook(plain.body.messages![0]!.id, 'read'))[0]).not.toHaveProperty('biz_opaque_callback_data');
    expect(() => fake.statusWebhook('wamid.unknown', 'sent')).toThrow(/accepted no message/);
  });
});

describe('faults', () => {
  it('hang leaves a send unanswered until released; nothing was sent meanwhile', async () => {
    const fake = await setup({ serviceWindow: false });
    const hold = fake.hang('send', { count: 1 });
    const held = send(fake, text(USER, 'held'));
    await until(() => hold.waiting === 1, 'the send to be held');
    expect(fake.sent).toEqual([]);
    expect((await send(fake, text(USER, 'next'))).status).toBe(200);
    hold.release();
    expect((await held).status).toBe(200);
    expect(fake.sent.map((m) => (m.text as { body: string }).body)).toEqual(['next', 'held']);
  });

  it('hang with accept: the message reached WhatsApp, its answer is held', async () => {
    const fake = await setup({ serviceWindow: false });
    const hold = fake.hang('send', { accept: true });
    const held = send(fake, text(USER));
    await until(() => hold.waiting === 1, 'the answer to be held');
    expect(fake.messages).toMatchObject([{ outcome: 'held', to: USER }]);
    hold.release();
    const answer = await held;
    expect(answer.body.messages?.[0]?.id).toBe(fake.messages[0]!.wamid);
    expect(fake.messages[0]!.outcome).toBe('answered');
  });

  it('close() ends promptly with hung requests open', async () => {
    const fake = await setup({ serviceWindow: false });
    const before = fake.hang('send');
    const after = fake.hang('upload', { accept: true });
    const a = networkError(send(fake, text(USER)));
    const b = networkError(upload(fake, Buffer.from('x'), 'text/plain'));
    await until(() => before.waiting === 1 && after.waiting === 1, 'both requests to be held');
    await fake.close();
    expect([await a, await b]).not.toContain('answered');
  });

  it('acceptThenDrop records the send, then destroys the socket without answering', async () => {
    const fake = await setup({ serviceWindow: false });
    fake.failNext('send', { acceptThenDrop: true });
    const err = await networkError(send(fake, text(USER, 'ambiguous', { biz_opaque_callback_data: 'job-7' })));
    expect(err).not.toBe('answered');
    expect(fake.sent).toHaveLength(1);
    const dropped = fake.messages[0]!;
    expect(dropped).toMatchObject({ to: USER, outcome: 'dropped' });
    expect(statusesOf(fake.statusWebhook(dropped.wamid, 'delivered'))[0]).toMatchObject({ id: dropped.wamid, biz_opaque_callback_data: 'job-7' });
    expect((await send(fake, text(USER))).status).toBe(200);
  });

  it('acceptThenDrop waits for a request that is accepted: a refused one is answered', async () => {
    const fake = await setup();
    fake.failNext('send', { acceptThenDrop: true });
    expect((await send(fake, text(USER))).body.error?.code).toBe(131047);
    fake.userWrote(USER);
    expect(await networkError(send(fake, text(USER)))).not.toBe('answered');
    expect(fake.messages.map((m) => m.outcome)).toEqual(['dropped']);
  });

  it('refuseConnections gives ECONNREFUSED on the same port until acceptConnections; delay slows an op', async () => {
    const fake = await setup({ serviceWindow: false });
    await fake.refuseConnections();
    expect(await networkError(send(fake, text(USER)))).toBe('ECONNREFUSED');
    expect(fake.calls).toEqual([]);
    await fake.acceptConnections();
    expect((await send(fake, text(USER))).status).toBe(200);

    fake.delay('send', 5_000);
    const slow = fetch(`${fake.url}/${PNID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', ...text(USER) }),
      signal: AbortSignal.timeout(100),
    });
    expect(await networkError(slow)).not.toBe('answered');
    fake.delay('send', 0);
    expect((await send(fake, text(USER))).status).toBe(200);
  });
});
