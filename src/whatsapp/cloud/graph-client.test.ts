import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeGraph, type FailSpec, type FakeGraph } from '../../../test/fakes/graph.js';
import { BridgeError } from '../../core/errors.js';
import { createGraphClient, parseRetryAfter, type GraphClient } from './graph-client.js';

const TOKEN = 'EAAtest-token-0123456789abcdef';
const PNID = '106540352242922';
let graph: FakeGraph;
let client: GraphClient;

beforeEach(async () => {
  graph = await createFakeGraph({ token: TOKEN, phoneNumberId: PNID, displayPhoneNumber: '15550783881' });
  graph.userWrote('16505551234'); // the user wrote: the 24-hour window is open
  client = createGraphClient({ baseUrl: graph.url, token: TOKEN, phoneNumberId: PNID, timeoutMs: 2_000 });
});
afterEach(async () => {
  await graph.close();
});

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function failure(p: Promise<unknown>): Promise<BridgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BridgeError);
  const bridge = err as BridgeError;
  expect(bridge.message).not.toContain(TOKEN);
  return bridge;
}

describe('graph client over HTTP against the fake Graph', () => {
  it('reads the phone number for the health check', async () => {
    await expect(client.getPhoneNumber()).resolves.toEqual({
      display_phone_number: '15550783881',
      verified_name: 'Switchboard Test',
      quality_rating: 'GREEN',
      id: PNID,
    });
  });

  it('sends a text message and returns a realistic wamid', async () => {
    const { wamid, waId } = await client.sendMessage({ to: '16505551234', type: 'text', text: { body: 'Hello' } });
    expect(wamid).toMatch(/^wamid\.[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(wamid.slice(6), 'base64').toString('latin1')).toContain('16505551234');
    expect(waId).toBe('16505551234');
    expect(graph.sent).toEqual([{ to: '16505551234', type: 'text', text: { body: 'Hello' }, messaging_product: 'whatsapp' }]);
  });

  it('maps Graph validation errors (text over 4096 chars, missing to) to non-retryable graph_100', async () => {
    const long = await failure(client.sendMessage({ to: '16505551234', type: 'text', text: { body: 'x'.repeat(4097) } }));
    expect(long).toMatchObject({ code: 'graph_100', retryable: false });
    expect(long.message).toContain('4096');
    const noTo = await failure(client.sendMessage({ to: '', type: 'text', text: { body: 'hi' } }));
    expect(noTo).toMatchObject({ code: 'graph_100', retryable: false });
    expect(graph.sent).toHaveLength(0);
  });

  it('tells a send that never left (connection refused) from one whose outcome is unknown', async () => {
    const text = { to: '16505551234', type: 'text', text: { body: 'hello' } };
    await graph.refuseConnections();
    const refused = await failure(client.sendMessage(text));
    expect(refused).toMatchObject({ code: 'network_error', retryable: true });
    await graph.acceptConnections();
    graph.failNext('send', { acceptThenDrop: true });
    const dropped = await failure(client.sendMessage(text));
    expect(dropped).toMatchObject({ code: 'send_outcome_unknown', retryable: false });
    // The dropped one did reach WhatsApp: exactly why it must not be sent again on its own.
    expect(graph.sent).toHaveLength(1);
    const quick = createGraphClient({ baseUrl: graph.url, token: TOKEN, phoneNumberId: PNID, timeoutMs: 200 });
    graph.failNext('send', { delayMs: 1_000 });
    expect(await failure(quick.sendMessage(text))).toMatchObject({ code: 'send_outcome_unknown', retryable: false });
    // Reads have no side effect: a timeout there is only worth another try.
    graph.failNext('phoneNumber', { delayMs: 1_000 });
    expect(await failure(quick.getPhoneNumber())).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('marks a message as read', async () => {
    await client.markRead('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=');
    expect(graph.readReceipts).toEqual(['wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=']);
    await expect(failure(client.markRead('not-a-wamid'))).resolves.toMatchObject({ code: 'graph_131009', retryable: false });
  });

  it('streams media with the bearer token', async () => {
    const bytes = randomBytes(200_000);
    const id = graph.addMedia(bytes, 'application/pdf', { fileName: 'invoice.pdf' });
    const media = await client.downloadMedia(id, { maxBytes: 1_000_000 });
    expect(media).toMatchObject({ mimeType: 'application/pdf', size: 200_000, fileName: 'invoice.pdf' });
    expect((await collect(media.stream)).equals(bytes)).toBe(true);
    const download = graph.calls.find((c) => c.op === 'download');
    expect(download).toMatchObject({ status: 200, authorized: true, path: '/whatsapp_business/attachments/' });
  });

  it('refuses media whose file_size is over the limit without downloading it', async () => {
    const id = graph.addMedia(randomBytes(5_000), 'image/jpeg');
    await expect(failure(client.downloadMedia(id, { maxBytes: 4_096 }))).resolves.toMatchObject({ code: 'media_too_large', retryable: false });
    expect(graph.calls.some((c) => c.op === 'download')).toBe(false);
  });

  it('checks Content-Length when file_size understates (and accepts file_size as a string)', async () => {
    const id = graph.addMedia(randomBytes(5_000), 'image/jpeg', { declaredSize: '100' });
    await expect(failure(client.downloadMedia(id, { maxBytes: 4_096 }))).resolves.toMatchObject({ code: 'media_too_large' });
  });

  it('stops a chunked stream once it passes maxBytes', async () => {
    const id = graph.addMedia(randomBytes(100_000), 'video/mp4', { declaredSize: 10, chunked: true });
    const media = await client.downloadMedia(id, { maxBytes: 50_000 });
    await expect(failure(collect(media.stream))).resolves.toMatchObject({ code: 'media_too_large', retryable: false });
  });

  it('fetches a fresh URL once when the media URL has expired (404)', async () => {
    const id = graph.addMedia(Buffer.from('voice note'), 'audio/ogg');
    graph.failNext('download', { status: 404 });
    const media = await client.downloadMedia(id, { maxBytes: 1_000 });
    expect((await collect(media.stream)).toString()).toBe('voice note');
    expect(graph.calls.filter((c) => c.op === 'mediaInfo')).toHaveLength(2);
  });

  it('media URLs need the token and expire; a fresh GET /{media-id} gives a working one', async () => {
    const id = graph.addMedia(Buffer.from('photo'), 'image/jpeg');
    const info = await client.getMediaInfo(id);
    expect(info).toMatchObject({ id, mime_type: 'image/jpeg', file_size: 5 });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await fetch(info.url)).status).toBe(400); // no token: Graph's code 104
    expect((await fetch(info.url, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    graph.expireMediaUrls(id);
    expect((await fetch(info.url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    const media = await client.downloadMedia(id, { maxBytes: 100 });
    expect((await collect(media.stream)).toString()).toBe('photo');
  });

  it('maps a stalled or dropped download stream to retryable errors', async () => {
    const quick = createGraphClient({ baseUrl: graph.url, token: TOKEN, phoneNumberId: PNID, timeoutMs: 150 });
    const stalled = graph.addMedia(randomBytes(50_000), 'video/mp4', { breakAfter: { bytes: 20_000, mode: 'stall' } });
    const slow = await quick.downloadMedia(stalled, { maxBytes: 100_000 });
    await expect(failure(collect(slow.stream))).resolves.toMatchObject({ code: 'timeout', retryable: true });
    const dropped = graph.addMedia(randomBytes(50_000), 'video/mp4', { breakAfter: { bytes: 20_000, mode: 'drop' } });
    const cut = await client.downloadMedia(dropped, { maxBytes: 100_000 });
    await expect(failure(collect(cut.stream))).resolves.toMatchObject({ code: 'network_error', retryable: true });
  });

  it('gives up on media whose URLs keep answering 404, and on expired media ids', async () => {
    const stale = graph.addMedia(Buffer.from('x'), 'image/png', { urlsExpired: true });
    await expect(failure(client.downloadMedia(stale, { maxBytes: 1_000 }))).resolves.toMatchObject({ code: 'media_url_expired', retryable: false });
    const gone = graph.addMedia(Buffer.from('x'), 'image/png');
    graph.expireMedia(gone);
    await expect(failure(client.downloadMedia(gone, { maxBytes: 1_000 }))).resolves.toMatchObject({ code: 'graph_100', retryable: false });
  });

  it('uploads bytes as multipart and the media round-trips', async () => {
    const bytes = randomBytes(30_000);
    const id = await client.uploadMedia({ bytes, mimeType: 'image/png', fileName: 'screen "1".png' });
    expect(graph.uploaded).toHaveLength(1);
    expect(graph.uploaded[0]).toMatchObject({ id, mimeType: 'image/png', type: 'image/png', fileName: 'screen %221%22.png' });
    expect(graph.uploaded[0]?.bytes.equals(bytes)).toBe(true);
    const back = await client.downloadMedia(id, { maxBytes: 100_000 });
    expect((await collect(back.stream)).equals(bytes)).toBe(true);
  });

  it('uploads from a stream', async () => {
    const chunks = [randomBytes(10_000), randomBytes(10_000), randomBytes(3)];
    await client.uploadMedia({ stream: Readable.from(chunks), mimeType: 'application/pdf', fileName: 'report.pdf' });
    expect(graph.uploaded[0]?.bytes.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('the fake really parses multipart: messaging_product and file are required', async () => {
    const form = new FormData();
    form.set('type', 'image/png');
    form.set('file', new Blob([Buffer.from('png')], { type: 'image/png' }), 'a.png');
    const res = await fetch(`${graph.url}/${PNID}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100, message: '(#100) The parameter messaging_product is required.' } });
    form.set('messaging_product', 'whatsapp');
    form.delete('file');
    const noFile = await fetch(`${graph.url}/${PNID}/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    expect(await noFile.json()).toMatchObject({ error: { message: '(#100) The parameter file is required.' } });
  });

  const cases: Array<[string, FailSpec, { code: string; retryable: boolean; retryAfterMs?: number }]> = [
    ['130429 throughput + Retry-After', { status: 429, code: 130429, retryAfter: 7 }, { code: 'rate_limited', retryable: true, retryAfterMs: 7_000 }],
    ['131056 pair rate limit, no header', { status: 400, code: 131056 }, { code: 'rate_limited_pair', retryable: true, retryAfterMs: 6_000 }],
    ['4 app rate limit', { status: 400, code: 4, retryAfter: '2' }, { code: 'rate_limited', retryable: true, retryAfterMs: 2_000 }],
    ['80007 WABA limit + BUC header', { status: 400, code: 80007, headers: { 'x-business-use-case-usage': '{"102290129340398":[{"type":"whatsapp","call_count":100,"estimated_time_to_regain_access":3}]}' } }, { code: 'rate_limited', retryable: true, retryAfterMs: 180_000 }],
    ['500 with code 1', { status: 500, code: 1 }, { code: 'graph_1', retryable: true }],
    ['503 131016 service unavailable', { status: 503, code: 131016, retryAfter: 1 }, { code: 'graph_131016', retryable: true, retryAfterMs: 1_000 }],
    ['502 HTML from a proxy', { status: 502, rawBody: '<html>Bad Gateway</html>' }, { code: 'graph_http_502', retryable: true }],
    ['190 expired token', { status: 401, code: 190, subcode: 463 }, { code: 'graph_190', retryable: false }],
    ['131047 re-engagement', { status: 400, code: 131047, details: 'Message failed to send because more than 24 hours have passed' }, { code: 'graph_131047', retryable: false }],
    ['131026 undeliverable', { status: 400, code: 131026 }, { code: 'graph_131026', retryable: false }],
    ['131052 media download error', { status: 400, code: 131052 }, { code: 'graph_131052', retryable: false }],
    ['131053 media upload error', { status: 400, code: 131053 }, { code: 'graph_131053', retryable: false }],
  ];
  it.each(cases)('maps %s', async (_name, spec, expected) => {
    graph.failNext('send', spec);
    const err = await failure(client.sendMessage({ to: '16505551234', type: 'text', text: { body: 'hi' } }));
    expect({ code: err.code, retryable: err.retryable, retryAfterMs: err.retryAfterMs }).toEqual({ retryAfterMs: undefined, ...expected });
  });

  it('keeps the Graph details and fbtrace_id in the message', async () => {
    graph.failNext(`/${PNID}/messages`, { status: 400, code: 131047, details: 'More than 24 hours have passed' });
    const err = await failure(client.sendMessage({ to: '16505551234', text: { body: 'hi' } }));
    expect(err.message).toMatch(/\(#131047\) HTTP 400: \(#131047\) Re-engagement message — More than 24 hours have passed \[fbtrace_id .+\]/);
  });

  it('maps dropped connections and timeouts to retryable errors', async () => {
    graph.failNext('phoneNumber', { drop: true });
    await expect(failure(client.getPhoneNumber())).resolves.toMatchObject({ code: 'network_error', retryable: true });
    const quick = createGraphClient({ baseUrl: graph.url, token: TOKEN, phoneNumberId: PNID, timeoutMs: 100 });
    graph.failNext('phoneNumber', { delayMs: 1_000 });
    await expect(failure(quick.getPhoneNumber())).resolves.toMatchObject({ code: 'timeout', retryable: true });
    const closed = createGraphClient({ baseUrl: 'http://127.0.0.1:1/v23.0', token: TOKEN, phoneNumberId: PNID });
    await expect(failure(closed.getPhoneNumber())).resolves.toMatchObject({ code: 'network_error', retryable: true });
  });

  it('rejects a wrong token with a non-retryable graph_190 that does not leak the token', async () => {
    const wrong = createGraphClient({ baseUrl: graph.url, token: 'EAAwrong-token-value', phoneNumberId: PNID });
    const err = await failure(wrong.sendMessage({ to: '16505551234', type: 'text', text: { body: 'hi' } }));
    expect(err).toMatchObject({ code: 'graph_190', retryable: false });
    expect(err.message).not.toContain('EAAwrong-token-value');
    expect(graph.calls.at(-1)).toMatchObject({ status: 401, authorized: false });
    const id = graph.addMedia(Buffer.from('x'), 'image/png');
    await expect(failure(wrong.downloadMedia(id, { maxBytes: 10 }))).resolves.toMatchObject({ code: 'graph_190' });
  });

  it('never sends the token to a media host it does not trust', async () => {
    const seen: string[] = [];
    const fetchStub: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ url: 'https://attacker.example/x', mime_type: 'image/png', sha256: '', file_size: 1, id: '1' }));
    };
    const stubbed = createGraphClient({ baseUrl: 'https://graph.facebook.com/v23.0', token: TOKEN, phoneNumberId: PNID, fetch: fetchStub });
    await expect(failure(stubbed.downloadMedia('1', { maxBytes: 10 }))).resolves.toMatchObject({ code: 'media_url_untrusted', retryable: false });
    expect(seen).toEqual(['https://graph.facebook.com/v23.0/1']);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
