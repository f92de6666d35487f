import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError, MediaTooLargeError } from '../core/errors.js';
import type { MediaDownload } from '../core/ports.js';
import { downloadSlackFile, fileHostCheck, type DownloadDeps } from './file-download.js';

const TOKEN = 'xoxb-test-token';
const API_URL = 'http://127.0.0.1:9/api/';

interface Seen {
  url: string;
  authorization: string | undefined;
  redirect: RequestInit['redirect'];
}

/** An in-process fetch answering from a table (URL → Response factory), so hosts can be Slack's. */
function tableFetch(routes: Record<string, () => Response>) {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    seen.push({ url, authorization: headers.get('authorization') ?? undefined, redirect: init?.redirect });
    const route = routes[url];
    return route ? route() : new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { fetchImpl, seen };
}

const file = (body = 'pdf bytes') => () => new Response(body, { status: 200, headers: { 'content-type': 'application/pdf', 'content-length': String(body.length) } });
const redirect = (location: string, status = 302) => () => new Response(null, { status, headers: { location } });

function deps(fetchImpl: typeof fetch, timeoutMs = 30_000): DownloadDeps {
  return { token: TOKEN, fetch: fetchImpl, trusted: fileHostCheck(API_URL), timeoutMs };
}

async function bytes(d: MediaDownload): Promise<string> {
  if (d.data instanceof Uint8Array) return Buffer.from(d.data).toString('utf8');
  const chunks: Uint8Array[] = [];
  for await (const c of d.data) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function refusal(p: Promise<unknown>): Promise<BridgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BridgeError);
  return err as BridgeError;
}

describe('downloadSlackFile', () => {
  it('sends the bot token to Slack’s file hosts and to the configured API origin', async () => {
    const urls = [
      'https://files.slack.com/files-pri/T1-F1/report.pdf',
      'https://acme.slack.com/files-pri/T1-F1/report.pdf',
      'https://a.slack-edge.com/files/report.pdf',
      'http://127.0.0.1:9/files-pri/T1-F1/report.pdf',
    ];
    const { fetchImpl, seen } = tableFetch(Object.fromEntries(urls.map((u) => [u, file()])));
    for (const url of urls) expect(await bytes(await downloadSlackFile(url, 1000, deps(fetchImpl)))).toBe('pdf bytes');
    expect(seen.map((s) => s.authorization)).toEqual(urls.map(() => `Bearer ${TOKEN}`));
    // Redirects are never left to fetch: each hop is checked here.
    expect(seen.every((s) => s.redirect === 'manual')).toBe(true);
  });

  it.each([
    'https://evil.example/files-pri/T1-F1/report.pdf',
    'http://files.slack.com/files-pri/T1-F1/report.pdf',
    'https://files.slack.com.evil.example/report.pdf',
    'https://notslack.com/report.pdf',
    'http://127.0.0.1:10/files-pri/T1-F1/report.pdf',
    'not a url',
  ])('refuses %s permanently without sending anything', async (url) => {
    const { fetchImpl, seen } = tableFetch({ [url]: file() });
    const err = await refusal(downloadSlackFile(url, 1000, deps(fetchImpl)));
    expect(err).toMatchObject({ code: 'slack_file_url_untrusted', retryable: false });
    expect(err.message).not.toContain(TOKEN);
    expect(seen).toEqual([]);
  });

  it('keeps the token across redirects within Slack, drops it for good once a redirect leaves', async () => {
    const { fetchImpl, seen } = tableFetch({
      'https://files.slack.com/files-pri/T1-F1/a.pdf': redirect('https://files-origin.slack.com/files-pri/T1-F1/a.pdf', 301),
      'https://files-origin.slack.com/files-pri/T1-F1/a.pdf': redirect('https://cdn.example/signed/a.pdf?sig=1', 307),
      'https://cdn.example/signed/a.pdf?sig=1': redirect('/back', 302),
      'https://cdn.example/back': redirect('https://files.slack.com/files-pri/T1-F2/other.pdf', 308),
      'https://files.slack.com/files-pri/T1-F2/other.pdf': file('the file'),
    });
    expect(await bytes(await downloadSlackFile('https://files.slack.com/files-pri/T1-F1/a.pdf', 1000, deps(fetchImpl)))).toBe('the file');
    expect(seen.map((s) => [new URL(s.url).host, s.authorization])).toEqual([
      ['files.slack.com', `Bearer ${TOKEN}`],
      ['files-origin.slack.com', `Bearer ${TOKEN}`],
      ['cdn.example', undefined],
      ['cdn.example', undefined],
      // Back on Slack, but sent there by a host we do not trust: still no token.
      ['files.slack.com', undefined],
    ]);
  });

  it('refuses a redirect to plain http off Slack’s hosts, and endless redirects', async () => {
    const down = tableFetch({ 'https://files.slack.com/f/a.pdf': redirect('http://cdn.example/a.pdf') });
    expect(await refusal(downloadSlackFile('https://files.slack.com/f/a.pdf', 1000, deps(down.fetchImpl)))).toMatchObject({ code: 'slack_file_url_untrusted', retryable: false });
    expect(down.seen).toHaveLength(1);

    const loop = tableFetch({ 'https://files.slack.com/f/a.pdf': redirect('https://files.slack.com/f/a.pdf') });
    expect(await refusal(downloadSlackFile('https://files.slack.com/f/a.pdf', 1000, deps(loop.fetchImpl)))).toMatchObject({ code: 'slack_download_redirect_loop', retryable: false });
    expect(loop.seen.length).toBeLessThanOrEqual(6);
  });

  it('classifies HTTP failures: 5xx and 429 retryable, 403/404 permanent', async () => {
    const answer = (status: number) => tableFetch({ 'https://files.slack.com/f': () => new Response('no', { status }) }).fetchImpl;
    expect(await refusal(downloadSlackFile('https://files.slack.com/f', 1000, deps(answer(503))))).toMatchObject({ code: 'slack_download_http_503', retryable: true });
    expect(await refusal(downloadSlackFile('https://files.slack.com/f', 1000, deps(answer(429))))).toMatchObject({ retryable: true });
    expect(await refusal(downloadSlackFile('https://files.slack.com/f', 1000, deps(answer(404))))).toMatchObject({ code: 'slack_download_http_404', retryable: false });
  });

  it('stops at the size limit, declared or not', async () => {
    const declared = tableFetch({ 'https://files.slack.com/f': file('x'.repeat(50)) });
    await expect(downloadSlackFile('https://files.slack.com/f', 10, deps(declared.fetchImpl))).rejects.toBeInstanceOf(MediaTooLargeError);
    const chunked = tableFetch({ 'https://files.slack.com/f': () => new Response('x'.repeat(50), { status: 200 }) });
    await expect(downloadSlackFile('https://files.slack.com/f', 10, deps(chunked.fetchImpl))).rejects.toBeInstanceOf(MediaTooLargeError);
  });

  describe('over real HTTP, with a host that stops answering', () => {
    let server: Server | undefined;
    afterEach(async () => {
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
      server = undefined;
    });

    async function stalling(mode: 'no-headers' | 'stall-body'): Promise<string> {
      server = createServer((_req, res) => {
        if (mode === 'no-headers') return; // read, never answered
        res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': '1000' });
        res.write('first chunk'); // then nothing more, connection left open
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    it('gives up waiting for the headers with a retryable timeout', async () => {
      const base = await stalling('no-headers');
      const d: DownloadDeps = { token: TOKEN, fetch, trusted: fileHostCheck(`${base}/api/`), timeoutMs: 100 };
      expect(await refusal(downloadSlackFile(`${base}/files-pri/T1-F1/a.pdf`, 10_000, d))).toMatchObject({ code: 'slack_download_timeout', retryable: true });
    });

    it('gives up on a body that stops arriving with a retryable timeout', async () => {
      const base = await stalling('stall-body');
      const d: DownloadDeps = { token: TOKEN, fetch, trusted: fileHostCheck(`${base}/api/`), timeoutMs: 100 };
      const download = await downloadSlackFile(`${base}/files-pri/T1-F1/a.pdf`, 10_000, d);
      expect(await refusal(bytes(download))).toMatchObject({ code: 'slack_download_timeout', retryable: true });
    });
  });
});
