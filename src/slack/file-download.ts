import { BridgeError, MediaTooLargeError } from '../core/errors.js';
import type { MediaDownload } from '../core/ports.js';

/**
 * Downloading a file an agent posted (`url_private`) with the bot token. The token opens every file
 * the bot can see, so it goes only to Slack's own file hosts, and redirects are followed by hand so
 * that each hop is checked again.
 */

/** Hosts Slack serves files from (files.slack.com, <team>.slack.com, *.slack-edge.com), https only. */
const SLACK_FILE_DOMAINS = ['slack.com', 'slack-edge.com'];
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type FileHostCheck = (url: URL) => boolean;

/** Slack's file hosts over https, plus the origin of SLACK_API_URL (a proxy, or the fake Slack in tests). */
export function fileHostCheck(apiUrl: string): FileHostCheck {
  const apiOrigin = new URL(apiUrl).origin;
  return (url) => {
    if (url.origin === apiOrigin) return true;
    const host = url.hostname.toLowerCase();
    return url.protocol === 'https:' && SLACK_FILE_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
  };
}

export interface DownloadDeps {
  token: string;
  fetch: typeof fetch;
  trusted: FileHostCheck;
  /** The longest wait for each response's headers and for each chunk of the body. */
  timeoutMs: number;
}

const refused = (message: string, code: string) => new BridgeError(message, { code, retryable: false });

function parseUrl(raw: string, base?: URL): URL | undefined {
  try {
    return new URL(raw, base);
  } catch {
    return undefined;
  }
}

function transportError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new BridgeError('downloading a file from Slack timed out', { code: 'slack_download_timeout', retryable: true, cause: err });
  }
  return new BridgeError(`downloading a file from Slack failed: ${(err as Error).message}`, { code: 'slack_download_failed', retryable: true, cause: err });
}

export async function downloadSlackFile(urlPrivate: string, maxBytes: number, deps: DownloadDeps): Promise<MediaDownload> {
  let url = parseUrl(urlPrivate);
  if (!url || !deps.trusted(url)) {
    // Permanent: the event named a file somewhere else, and no retry makes that host Slack's.
    throw refused(`refusing to download a Slack file from ${url?.host ?? 'an invalid URL'}: not a Slack file host`, 'slack_file_url_untrusted');
  }
  const ac = new AbortController();
  const arm = (what: string) => setTimeout(() => ac.abort(new DOMException(`Slack file download ${what}`, 'TimeoutError')), deps.timeoutMs);
  // Once a hop has left Slack's hosts the token stays off, even if a later hop comes back: where
  // that redirect points was chosen by a host we do not trust.
  let withToken = true;
  let res: Response;
  for (let hop = 0; ; hop++) {
    withToken &&= deps.trusted(url);
    const timer = arm('timed out waiting for an answer');
    try {
      res = await deps.fetch(url, { headers: withToken ? { authorization: `Bearer ${deps.token}` } : {}, redirect: 'manual', signal: ac.signal });
    } catch (err) {
      throw transportError(err);
    } finally {
      clearTimeout(timer);
    }
    if (!REDIRECT_STATUSES.has(res.status)) break;
    await res.body?.cancel().catch(() => undefined);
    const next = parseUrl(res.headers.get('location') ?? '', url);
    if (!next) throw refused(`Slack redirected a file download without a usable Location (HTTP ${res.status})`, 'slack_download_bad_redirect');
    if (hop >= MAX_REDIRECTS) throw refused(`Slack redirected a file download more than ${MAX_REDIRECTS} times`, 'slack_download_redirect_loop');
    // Follow a redirect off Slack's hosts (a signed CDN link works without the token), but only
    // over https: never send even the token-less request, or take the file, in the clear.
    if (!deps.trusted(next) && next.protocol !== 'https:') {
      throw refused(`refusing a Slack file redirect to ${next.protocol}//${next.host}`, 'slack_file_url_untrusted');
    }
    url = next;
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new BridgeError(`Slack answered HTTP ${res.status} for a file download`, {
      code: `slack_download_http_${res.status}`,
      retryable: res.status >= 500 || res.status === 429 || res.status === 408,
    });
  }
  const mimeType = res.headers.get('content-type') ?? 'application/octet-stream';
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel().catch(() => undefined);
    throw new MediaTooLargeError(maxBytes, declared);
  }
  const body = guardedBody(res.body, maxBytes, () => arm('stalled'));
  if (Number.isFinite(declared)) return { mimeType, size: declared, data: body };
  // Unknown length: hold it in memory (never on disk), bounded by the limit.
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    chunks.push(chunk);
  }
  return { mimeType, size, data: Buffer.concat(chunks) };
}

/**
 * The body, pulled chunk by chunk: the idle timer runs only while waiting on the network (never
 * while a slow consumer, e.g. the Graph upload, holds the chunk), and a body longer than its
 * Content-Length promised still stops at the limit.
 */
async function* guardedBody(stream: ReadableStream<Uint8Array>, maxBytes: number, arm: () => NodeJS.Timeout): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let seen = 0;
  try {
    for (;;) {
      const timer = arm();
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (err) {
        throw transportError(err);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      seen += next.value.byteLength;
      if (seen > maxBytes) throw new MediaTooLargeError(maxBytes);
      yield next.value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
