/**
 * WhatsApp Cloud API (Graph API) client: messages, media, read receipts, phone-number health.
 *
 * References (developers.facebook.com/documentation/business-messaging/whatsapp/...):
 * - Media (upload, retrieve URL, download): …/business-phone-numbers/media/ — media ids from webhooks
 *   expire after 7 days, uploaded ones after 30; the URL from GET /<MEDIA_ID> is short-lived (5 min)
 *   and needs the bearer token; an expired URL answers 404 and a new one must be fetched.
 * - Messages API: …/messages/text-messages/ (text.body max 4096 chars), …/messages/mark-message-as-read/.
 * - Error codes: …/support/error-codes (build logic on `code`, not titles or HTTP status);
 *   Graph API error handling: developers.facebook.com/docs/graph-api/guides/error-handling
 *   (1, 2 transient; 4, 17 throttling; 190 token invalid/expired).
 */
import { randomUUID } from 'node:crypto';
import { ReadableStream } from 'node:stream/web';
import { BridgeError, MediaTooLargeError, OUTCOME_UNKNOWN } from '../../core/errors.js';

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com/v23.0 */
  baseUrl: string;
  token: string;
  phoneNumberId: string;
  fetch?: typeof fetch;
  /** Per-request timeout (default 30 s); for downloads, time to headers and the longest wait for a chunk. */
  timeoutMs?: number;
  /** Extra hosts trusted with the bearer token for media downloads (besides baseUrl's and Meta's). */
  mediaHosts?: string[];
}

export interface MediaInfo { url: string; mime_type: string; sha256: string; file_size: number | undefined; id: string }
/** `stream` is a web stream (Node's `Readable.fromWeb` converts it); it errors with `media_too_large` past maxBytes. */
export interface DownloadedMedia { mimeType: string; size: number | undefined; fileName?: string; stream: ReadableStream<Uint8Array> }
/** Exactly one of `bytes` or `stream` (any async iterable of bytes, e.g. a Node Readable or a web stream). */
export interface UploadMediaInput { bytes?: Uint8Array; stream?: AsyncIterable<Uint8Array>; mimeType: string; fileName: string; /** Bytes in `stream`, when known. */ size?: number }
export interface PhoneNumberInfo { id: string; display_phone_number: string; verified_name: string; quality_rating?: string }

/**
 * A Messages API body without `messaging_product` (added here), e.g. `{ to, type: 'text', text: { body } }`.
 * Addressed by `to` (a number) or `recipient` (a BSUID or parent BSUID, Meta's "Business-scoped user IDs").
 */
export interface OutboundMessage {
  to?: string;
  recipient?: string;
  type?: string;
  [field: string]: unknown;
}

export interface GraphClient {
  getMediaInfo(mediaId: string): Promise<MediaInfo>;
  downloadMedia(mediaId: string, opts: { maxBytes: number }): Promise<DownloadedMedia>;
  sendMessage(body: OutboundMessage): Promise<{ wamid: string; waId: string | undefined }>;
  uploadMedia(input: UploadMediaInput): Promise<string>;
  markRead(wamid: string): Promise<void>;
  getPhoneNumber(): Promise<PhoneNumberInfo>;
  /** A read-only Graph GET (path with its query, after the version), e.g. a WABA's message_templates. */
  getJson<T>(op: string, path: string): Promise<T>;
}

type RequestBody = NonNullable<RequestInit['body']>;

interface GraphErrorBody { message?: string; type?: string; code?: number; error_subcode?: number; error_data?: { details?: string }; fbtrace_id?: string }

/** Throttling codes (error-codes page, "Throttling errors"; Graph error handling 4/17). 131048 (spam rate
 * limit) is left out on purpose: it is quality-based, and retrying makes it worse. */
const RATE_LIMIT_CODES = new Set([4, 17, 80007, 130429]);
const PAIR_RATE_LIMIT = 131056;
/** The 24-hour customer-service window is closed: only a template may be sent. */
export const REENGAGEMENT_CODE = 131047;
/** Business number → same user: about 1 message every 6 s (throughput docs), used when no Retry-After. */
export const PAIR_RATE_DEFAULT_MS = 6_000;
/** Transient server-side codes: 1 API Unknown, 2 API Service, 131000 Something went wrong,
 * 131016 Service unavailable, 131057 Account in maintenance mode, 133004 Server temporarily unavailable. */
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016, 131057, 133004]);
const META_MEDIA_HOST_SUFFIXES = ['.fbsbx.com', '.facebook.com', '.whatsapp.net', '.fbcdn.net'];
/** lookaside.fbsbx.com has been reported to refuse downloads without a User-Agent
 * (github.com/gabrieldwight/Whatsapp-Business-Cloud-Api-Net/issues/45): always send one. */
const USER_AGENT = 'switchboard/0.1 (WhatsApp-Slack bridge)';
/** Uploads get time for their size at no less than this rate; a stream of unknown size is assumed this large. */
const MIN_UPLOAD_BYTES_PER_SECOND = 64 * 1024;
const UNKNOWN_UPLOAD_BYTES = 16 * 1024 * 1024;

export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `X-Business-Use-Case-Usage`: `{ "<id>": [{ "estimated_time_to_regain_access": <minutes>, … }] }`. */
function regainAccessMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const usage = safeJson(header) as Record<string, Array<{ estimated_time_to_regain_access?: number }>> | undefined;
  if (typeof usage !== 'object' || usage === null) return undefined;
  const minutes = Math.max(0, ...Object.values(usage).flatMap((v) => (Array.isArray(v) ? v : [])).map((u) => Number(u.estimated_time_to_regain_access) || 0));
  return minutes > 0 ? minutes * 60_000 : undefined;
}

/** Turns a failed Graph response into a BridgeError. `redact` strips the token from vendor text. */
export function mapGraphError(op: string, status: number, body: unknown, headers: Headers, redact = (s: string) => s): BridgeError {
  const err = (body as { error?: GraphErrorBody } | null)?.error;
  const retryAfterMs = parseRetryAfter(headers.get('retry-after')) ?? regainAccessMs(headers.get('x-business-use-case-usage'));
  const wait = (retryable: boolean) => (retryable && retryAfterMs !== undefined ? { retryAfterMs } : {});
  if (!err || typeof err.code !== 'number') {
    const retryable = status >= 500 || status === 429 || status === 408;
    const code = status === 429 ? 'rate_limited' : `graph_http_${status}`;
    return new BridgeError(`WhatsApp Graph ${op} failed: HTTP ${status}`, { code, retryable, ...wait(retryable) });
  }
  const sub = err.error_subcode !== undefined ? `/${err.error_subcode}` : '';
  const details = err.error_data?.details ? ` — ${err.error_data.details}` : '';
  const trace = err.fbtrace_id ? ` [fbtrace_id ${err.fbtrace_id}]` : '';
  const message = redact(`WhatsApp Graph ${op} failed: (#${err.code}${sub}) HTTP ${status}: ${err.message ?? ''}${details}${trace}`);
  if (err.code === PAIR_RATE_LIMIT) {
    return new BridgeError(message, { code: 'rate_limited_pair', retryable: true, retryAfterMs: retryAfterMs ?? PAIR_RATE_DEFAULT_MS });
  }
  if (RATE_LIMIT_CODES.has(err.code)) {
    return new BridgeError(message, { code: 'rate_limited', retryable: true, ...wait(true) });
  }
  const retryable = TRANSIENT_CODES.has(err.code) || status >= 500;
  const delivery = { code: err.code, ...(err.code === REENGAGEMENT_CODE ? { windowClosed: true } : {}) };
  return new BridgeError(message, { code: `graph_${err.code}`, retryable, delivery, ...wait(retryable) });
}

/**
 * Network failures that prove the request never reached Graph: no connection was made (refused,
 * no such host, unreachable, TLS refused). Anything else — a timeout, a reset, a socket closed
 * after the request was written — leaves the outcome unknown.
 */
const NEVER_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|UND_ERR_CONNECT_TIMEOUT|ERR_TLS_.*|CERT_.*|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/;

function transportError(op: string, cause: unknown, opts: { sideEffect?: boolean } = {}): BridgeError {
  const name = (cause as { name?: string } | null)?.name;
  const code = (cause as { cause?: { code?: string } } | null)?.cause?.code;
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  // A message send that may have gone out is never repeated on its own: sending twice is worse than asking.
  if (opts.sideEffect && !(code && NEVER_SENT.test(code))) {
    const what = timedOut ? 'timed out' : `lost its connection (${code ?? 'unknown'})`;
    return new BridgeError(`WhatsApp Graph ${op} ${what} after the request was sent; WhatsApp may or may not have accepted it`, {
      code: OUTCOME_UNKNOWN,
      retryable: false,
      cause,
    });
  }
  if (timedOut) return new BridgeError(`WhatsApp Graph ${op} timed out`, { code: 'timeout', retryable: true, cause });
  const detail = code ?? (cause instanceof Error ? cause.message : 'unknown');
  return new BridgeError(`WhatsApp Graph ${op} network error: ${detail}`, { code: 'network_error', retryable: true, cause });
}

function tooLarge(size: number, maxBytes: number): BridgeError {
  return new MediaTooLargeError(maxBytes, size);
}

function safeJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function optionalNumber(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function fileNameFrom(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*\s*=\s*utf-8''([^;]+)/i.exec(disposition)?.[1];
  if (star) return decodeURIComponent(star.trim().replace(/%(?![0-9a-f]{2})/gi, '%25'));
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/.exec(disposition);
  return (plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim()) || undefined;
}

export function createGraphClient(opts: GraphClientOptions): GraphClient {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const base = opts.baseUrl.replace(/\/+$/, '');
  const baseOrigin = new URL(base).origin;
  const auth = `Bearer ${opts.token}`;
  const pnid = encodeURIComponent(opts.phoneNumberId);
  const redact = (s: string): string => (opts.token ? s.split(opts.token).join('[redacted]') : s);

  async function call<T>(
    op: string,
    method: string,
    path: string,
    body?: { json?: unknown; raw?: RequestBody; contentType?: string },
    opts: { sideEffect?: boolean; timeoutMs?: number } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { authorization: auth, accept: 'application/json', 'user-agent': USER_AGENT };
    let payload: RequestBody | undefined;
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.raw !== undefined) {
      headers['content-type'] = body.contentType ?? 'application/octet-stream';
      payload = body.raw;
    }
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(opts.timeoutMs ?? timeoutMs) };
    if (payload !== undefined) Object.assign(init, { body: payload, duplex: 'half' });
    let res: Response;
    let text: string;
    try {
      res = await fetchImpl(`${base}${path}`, init);
      text = await res.text();
    } catch (cause) {
      throw transportError(op, cause, opts);
    }
    const parsed = safeJson(text);
    if (!res.ok) throw mapGraphError(op, res.status, parsed, res.headers, redact);
    if (parsed === undefined) {
      throw new BridgeError(`WhatsApp Graph ${op}: HTTP ${res.status} without a JSON body`, { code: 'graph_bad_response', retryable: false });
    }
    return parsed as T;
  }

  function trustedMediaUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new BridgeError('media URL from Graph is not a URL', { code: 'media_url_untrusted', retryable: false });
    }
    const host = url.hostname.toLowerCase();
    const trusted =
      url.origin === baseOrigin ||
      (url.protocol === 'https:' && META_MEDIA_HOST_SUFFIXES.some((s) => host.endsWith(s))) ||
      (opts.mediaHosts ?? []).some((h) => h.toLowerCase() === host);
    // The bearer token goes with the download: never hand it to a host we do not know.
    if (!trusted) throw new BridgeError(`refusing to send the token to media host ${host}`, { code: 'media_url_untrusted', retryable: false });
    return url;
  }

  async function getMediaInfo(mediaId: string): Promise<MediaInfo> {
    const info = await call<Record<string, unknown>>('media-info', 'GET', `/${encodeURIComponent(mediaId)}`);
    if (typeof info.url !== 'string') {
      throw new BridgeError('WhatsApp Graph media-info: no url in response', { code: 'graph_bad_response', retryable: false });
    }
    return {
      url: info.url,
      mime_type: String(info.mime_type ?? ''),
      sha256: String(info.sha256 ?? ''),
      // Some proxies document file_size as a string: accept both.
      file_size: optionalNumber(info.file_size),
      id: String(info.id ?? mediaId),
    };
  }

  async function downloadMedia(mediaId: string, { maxBytes }: { maxBytes: number }): Promise<DownloadedMedia> {
    for (let attempt = 0; ; attempt++) {
      const info = await getMediaInfo(mediaId);
      if (info.file_size !== undefined && info.file_size > maxBytes) throw tooLarge(info.file_size, maxBytes);
      const url = trustedMediaUrl(info.url);
      const ac = new AbortController();
      let timer = setTimeout(() => ac.abort(new DOMException('download timed out', 'TimeoutError')), timeoutMs);
      let res: Response;
      try {
        res = await fetchImpl(url, { headers: { authorization: auth, 'user-agent': USER_AGENT }, signal: ac.signal });
      } catch (cause) {
        clearTimeout(timer);
        throw transportError('download', cause);
      }
      if (res.status === 404) {
        clearTimeout(timer);
        await res.body?.cancel().catch(() => undefined);
        // The URL lives 5 minutes: fetch a fresh one once, then give up.
        if (attempt === 0) continue;
        throw new BridgeError(`media ${mediaId} URL answers 404 (expired or deleted)`, { code: 'media_url_expired', retryable: false });
      }
      if (!res.ok || !res.body) {
        clearTimeout(timer);
        throw mapGraphError('download', res.status, safeJson(await res.text().catch(() => '')), res.headers, redact);
      }
      const length = optionalNumber(res.headers.get('content-length'));
      clearTimeout(timer);
      if (length !== undefined && length > maxBytes) {
        await res.body.cancel().catch(() => undefined);
        throw tooLarge(length, maxBytes);
      }
      // Pull-based, so the idle timer only runs while waiting on the network, never on a slow consumer.
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let seen = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          timer = setTimeout(() => ac.abort(new DOMException('download stalled', 'TimeoutError')), timeoutMs);
          try {
            const { done, value } = await reader.read();
            if (done) return controller.close();
            seen += value.byteLength;
            if (seen <= maxBytes) return controller.enqueue(value);
            controller.error(tooLarge(seen, maxBytes));
            await reader.cancel().catch(() => undefined);
          } catch (cause) {
            controller.error(transportError('download', cause));
          } finally {
            clearTimeout(timer);
          }
        },
        cancel(reason) {
          clearTimeout(timer);
          return reader.cancel(reason);
        },
      });
      const fileName = fileNameFrom(res.headers.get('content-disposition'));
      const mimeType = info.mime_type || res.headers.get('content-type') || 'application/octet-stream';
      return { mimeType, size: info.file_size ?? length, ...(fileName ? { fileName } : {}), stream };
    }
  }

  async function uploadMedia(input: UploadMediaInput): Promise<string> {
    const { bytes, stream, fileName } = input;
    const mimeType = input.mimeType.replace(/[\r\n]/g, '');
    if (!bytes === !stream) throw new BridgeError('uploadMedia needs exactly one of bytes or stream', { code: 'invalid_argument', retryable: false });
    const boundary = `----switchboard-${randomUUID()}`;
    const safeName = fileName.replace(/[\r\n]/g, ' ').replace(/"/g, '%22');
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const head = Buffer.from(
      field('messaging_product', 'whatsapp') +
        field('type', mimeType) +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const raw: RequestBody = bytes
      ? Buffer.concat([head, bytes, tail])
      : (async function* () {
          yield head;
          for await (const chunk of stream as AsyncIterable<Uint8Array>) yield chunk;
          yield tail;
        })();
    // Time for the bytes too: a large file over a slow link is not a stalled call.
    const uploadTimeoutMs = timeoutMs + Math.ceil(((bytes?.byteLength ?? input.size ?? UNKNOWN_UPLOAD_BYTES) / MIN_UPLOAD_BYTES_PER_SECOND) * 1000);
    const res = await call<{ id?: string }>('upload', 'POST', `/${pnid}/media`, { raw, contentType: `multipart/form-data; boundary=${boundary}` }, { timeoutMs: uploadTimeoutMs });
    if (typeof res.id !== 'string') throw new BridgeError('WhatsApp Graph upload: no media id in response', { code: 'graph_bad_response', retryable: false });
    return res.id;
  }

  async function sendMessage(body: OutboundMessage): Promise<{ wamid: string; waId: string | undefined }> {
    const res = await call<{ messages?: Array<{ id?: string }>; contacts?: Array<{ wa_id?: string }> }>(
      'send',
      'POST',
      `/${pnid}/messages`,
      { json: { ...body, messaging_product: 'whatsapp' } },
      { sideEffect: true },
    );
    const wamid = res.messages?.[0]?.id;
    // Not retryable: Graph accepted the request, so retrying could send the message twice.
    if (!wamid) throw new BridgeError('WhatsApp Graph send: no messages[0].id in response', { code: 'graph_bad_response', retryable: false });
    return { wamid, waId: res.contacts?.[0]?.wa_id };
  }

  async function markRead(wamid: string): Promise<void> {
    await call('mark-read', 'POST', `/${pnid}/messages`, { json: { messaging_product: 'whatsapp', status: 'read', message_id: wamid } });
  }

  async function getPhoneNumber(): Promise<PhoneNumberInfo> {
    return call<PhoneNumberInfo>('phone-number', 'GET', `/${pnid}?fields=display_phone_number,verified_name,quality_rating`);
  }

  return { getMediaInfo, downloadMedia, sendMessage, uploadMedia, markRead, getPhoneNumber, getJson: (op, path) => call(op, 'GET', path) };
}
