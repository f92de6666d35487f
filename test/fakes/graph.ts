/**
 * A fake WhatsApp Cloud API (Graph) server on 127.0.0.1 for tests: bearer-token checks, Graph-shaped
 * errors, message validation, real multipart parsing for uploads, and lookaside-style media URLs that
 * also need the token and can expire (404). See src/whatsapp/cloud/graph-client.ts for doc references.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLocal } from './listen.js';

export type GraphOp = 'send' | 'markRead' | 'upload' | 'mediaInfo' | 'download' | 'phoneNumber' | 'unknown';

/** An injected failure: a Graph error body `{ error: { message, type, code, error_subcode, error_data, fbtrace_id } }`. */
export interface FailSpec {
  status?: number;
  code?: number;
  subcode?: number;
  message?: string;
  details?: string;
  retryAfter?: string | number; // Retry-After header: seconds or an HTTP date
  headers?: Record<string, string>;
  rawBody?: string; // sent verbatim instead of a Graph error (e.g. an HTML 502)
  count?: number; // how many requests this applies to (default 1)
  drop?: boolean; // destroy the socket: a network error for the client
  delayMs?: number; // wait first; then fail if `status`, else answer normally
}

export interface GraphCall { method: string; path: string; op: GraphOp; status: number; authorized: boolean }
export interface UploadedMedia { id: string; bytes: Buffer; mimeType: string; fileName: string; type: string }
export interface AddMediaOptions {
  id?: string;
  fileName?: string; // sent as Content-Disposition
  urlsExpired?: boolean; // every URL handed out for this media answers 404
  declaredSize?: number | string; // file_size to report instead of the real one (proxies document a string)
  chunked?: boolean; // no Content-Length
  breakAfter?: { bytes: number; mode: 'stall' | 'drop' }; // stall forever or drop after this many bytes
}
interface FakeMedia extends AddMediaOptions { id: string; bytes: Buffer; mimeType: string; gone: boolean }

export interface FakeGraph {
  /** Base URL with version, e.g. http://127.0.0.1:PORT/v23.0 */
  url: string;
  origin: string;
  close(): Promise<void>;
  addMedia(bytes: Uint8Array, mimeType: string, opts?: AddMediaOptions): string;
  /** The media id itself expired (webhook ids live 7 days): GET /{id} fails, URLs answer 404. */
  expireMedia(mediaId: string): void;
  /** URLs already handed out answer 404 (they live 5 minutes); a fresh GET /{id} gives a working one. */
  expireMediaUrls(mediaId: string): void;
  failNext(target: GraphOp | string, spec: FailSpec): void;
  sent: Array<Record<string, unknown>>;
  readReceipts: string[];
  uploaded: UploadedMedia[];
  calls: GraphCall[];
}

/** Titles from the error-codes page; Graph puts them in `message` as "(#code) title". */
const DEFAULT_MESSAGES: Record<number, string> = {
  ...Object.fromEntries(
    Object.entries({
      4: 'Application request limit reached', 80007: 'Rate limit issues', 130429: 'Rate limit hit',
      131056: '(Business Account, Consumer Account) pair rate limit hit', 131047: 'Re-engagement message',
      131026: 'Message undeliverable', 131052: 'Media download error', 131053: 'Media upload error',
      131000: 'Something went wrong', 131016: 'Service unavailable',
    }).map(([code, title]) => [code, `(#${code}) ${title}`]),
  ),
  190: 'Invalid OAuth access token - Cannot parse access token',
};
const MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction'];
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** `wamid.` + base64 of the layout real ids decode to: 1c 18 <len> <phone> 15 02 00 11 18 <len> <HEX> 00. */
export function fakeWamid(to: string): string {
  const phone = Buffer.from(to.replace(/\D/g, '') || '0');
  const hex = Buffer.from(randomBytes(9).toString('hex').toUpperCase());
  return `wamid.${Buffer.concat([Buffer.from([0x1c, 0x18, phone.length]), phone, Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, hex.length]), hex, Buffer.from([0])]).toString('base64')}`;
}

interface Part { name: string; fileName?: string; contentType?: string; data: Buffer }

/** Minimal RFC 7578 parser: enough to check what a client really sent. */
export function parseMultipart(body: Buffer, contentType: string): Part[] | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundaryText = m?.[1] ?? m?.[2];
  if (!boundaryText) return undefined;
  const boundary = Buffer.from(`--${boundaryText}`);
  const delimiter = Buffer.from(`\r\n--${boundaryText}`);
  let pos = body.indexOf(boundary);
  if (pos < 0) return undefined;
  pos += boundary.length;
  const parts: Part[] = [];
  while (body.subarray(pos, pos + 2).toString() !== '--') {
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') return undefined;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return undefined;
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos + 2, headerEnd).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const end = body.indexOf(delimiter, headerEnd + 4);
    if (end < 0) return undefined;
    const disposition = headers.get('content-disposition') ?? '';
    const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    const fileName = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
    const ct = headers.get('content-type');
    parts.push({ name, data: body.subarray(headerEnd + 4, end), ...(fileName !== undefined ? { fileName } : {}), ...(ct ? { contentType: ct } : {}) });
    pos = end + delimiter.length;
  }
  return parts;
}

export async function createFakeGraph(opts: { token: string; phoneNumberId: string; displayPhoneNumber: string; version?: string; verifiedName?: string }): Promise<FakeGraph> {
  const version = opts.version ?? 'v23.0';
  const media = new Map<string, FakeMedia>();
  const issued = new Map<string, { id: string; expired: boolean }>(); // url hash -> media
  const failures: Array<{ target: string; spec: FailSpec; left: number }> = [];
  const fake = { sent: [], readReceipts: [], uploaded: [], calls: [] } as Pick<FakeGraph, 'sent' | 'readReceipts' | 'uploaded' | 'calls'>;
  let origin = '';

  function send(res: ServerResponse, call: GraphCall, status: number, body: unknown, headers: Record<string, string> = {}): void {
    call.status = status;
    if (res.destroyed) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json', ...headers });
    res.end(text);
  }
  function graphError(res: ServerResponse, call: GraphCall, status: number, code: number, message: string, extra: Omit<FailSpec, 'status' | 'code' | 'message'> = {}): void {
    const error = {
      message,
      type: code === 100 && extra.subcode === 33 ? 'GraphMethodException' : 'OAuthException',
      code,
      ...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
      ...(extra.details ? { error_data: { messaging_product: 'whatsapp', details: extra.details } } : {}),
      fbtrace_id: randomBytes(9).toString('base64url'),
    };
    const headers = { ...(extra.retryAfter !== undefined ? { 'retry-after': String(extra.retryAfter) } : {}), ...extra.headers };
    send(res, call, status, extra.rawBody ?? { error }, headers);
  }
  const invalid = (res: ServerResponse, call: GraphCall, message: string, details?: string) =>
    graphError(res, call, 400, 100, `(#100) ${message}`, details ? { details } : {});

  function classify(method: string, parts: string[]): GraphOp {
    if (parts[0] !== version) return 'unknown';
    if (parts.length === 2 && parts[1] === opts.phoneNumberId && method === 'GET') return 'phoneNumber';
    if (parts.length === 3 && parts[1] === opts.phoneNumberId && parts[2] === 'messages' && method === 'POST') return 'send';
    if (parts.length === 3 && parts[1] === opts.phoneNumberId && parts[2] === 'media' && method === 'POST') return 'upload';
    if (parts.length === 2 && method === 'GET') return 'mediaInfo';
    return 'unknown';
  }

  function takeFailure(op: GraphOp, path: string): FailSpec | undefined {
    const bare = path.startsWith(`/${version}/`) ? path.slice(version.length + 1) : path;
    const i = failures.findIndex((f) => f.target === op || f.target === path || f.target === bare);
    const f = failures[i];
    if (!f) return undefined;
    if (--f.left <= 0) failures.splice(i, 1);
    return f.spec;
  }

  function mediaUrl(id: string): string {
    const hash = randomBytes(12).toString('base64url');
    issued.set(hash, { id, expired: false });
    return `${origin}/whatsapp_business/attachments/?mid=${id}&ext=${Math.floor(Date.now() / 1000) + 300}&hash=${hash}`;
  }

  function validateMessage(res: ServerResponse, call: GraphCall, msg: Record<string, unknown>): boolean {
    const type = (msg.type as string | undefined) ?? 'text'; // Graph defaults type to text
    if (typeof msg.to !== 'string' || msg.to === '') return invalid(res, call, 'The parameter to is required.'), false;
    if (!MESSAGE_TYPES.includes(type)) {
      return invalid(res, call, `Param type must be one of {${MESSAGE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${type}".`), false;
    }
    const obj = msg[type] as Record<string, unknown> | undefined;
    if (typeof obj !== 'object' || obj === null) return invalid(res, call, `The parameter ${type} is required.`), false;
    if (type === 'text') {
      if (typeof obj.body !== 'string' || obj.body === '') return invalid(res, call, "The parameter text['body'] is required."), false;
      if ([...obj.body].length > 4096) {
        return invalid(res, call, "Param text['body'] must be at most 4096 characters long.", 'Text body is longer than 4096 characters'), false;
      }
    }
    if (MEDIA_TYPES.has(type) && typeof obj.id !== 'string' && typeof obj.link !== 'string') {
      return invalid(res, call, `Param ${type} must contain either id or link.`), false;
    }
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean);
    let op: GraphOp = url.pathname === '/whatsapp_business/attachments/' && method === 'GET' ? 'download' : classify(method, parts);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let json: Record<string, unknown> | undefined;
    if (op === 'send') {
      try {
        json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      if (json?.status === 'read') op = 'markRead';
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('access_token') ?? undefined;
    const call: GraphCall = { method, path: url.pathname, op, status: 0, authorized: bearer === opts.token };
    fake.calls.push(call);

    if (bearer === undefined) return graphError(res, call, 400, 104, 'An access token is required to request this resource.');
    if (bearer !== opts.token) return graphError(res, call, 401, 190, DEFAULT_MESSAGES[190] ?? '');

    const failure = takeFailure(op, url.pathname);
    if (failure?.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
    if (failure?.drop) return void req.socket.destroy();
    if (failure?.status) {
      const code = failure.code ?? (failure.status >= 500 ? 2 : 100);
      return graphError(res, call, failure.status, code, failure.message ?? DEFAULT_MESSAGES[code] ?? `(#${code}) Fake failure`, failure);
    }

    switch (op) {
      case 'phoneNumber': {
        const all: Record<string, unknown> = { display_phone_number: opts.displayPhoneNumber, verified_name: opts.verifiedName ?? 'Switchboard Test', quality_rating: 'GREEN', code_verification_status: 'VERIFIED' };
        const fields = (url.searchParams.get('fields') ?? 'display_phone_number,verified_name').split(',');
        return send(res, call, 200, { ...Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])), id: opts.phoneNumberId });
      }
      case 'mediaInfo': {
        const m = media.get(parts[1] ?? '');
        if (!m || m.gone) {
          return graphError(res, call, 400, 100, `Unsupported get request. Object with ID '${parts[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { subcode: 33 });
        }
        const sha256 = createHash('sha256').update(m.bytes).digest('hex');
        return send(res, call, 200, { url: mediaUrl(m.id), mime_type: m.mimeType, sha256, file_size: m.declaredSize ?? m.bytes.length, id: m.id, messaging_product: 'whatsapp' });
      }
      case 'download': {
        const ticket = issued.get(url.searchParams.get('hash') ?? '');
        const m = ticket ? media.get(ticket.id) : undefined;
        if (!ticket || !m || ticket.expired || m.gone || m.urlsExpired || url.searchParams.get('mid') !== m.id) return send(res, call, 404, 'Not Found');
        call.status = 200;
        res.writeHead(200, {
          'content-type': m.mimeType,
          ...(m.chunked ? {} : { 'content-length': String(m.bytes.length) }),
          ...(m.fileName ? { 'content-disposition': `attachment; filename="${m.fileName}"` } : {}),
        });
        const stop = m.breakAfter?.bytes ?? Infinity;
        for (let i = 0; i < Math.min(m.bytes.length, stop) && !res.destroyed; i += 16_384) {
          if (!res.write(m.bytes.subarray(i, Math.min(i + 16_384, stop)))) await new Promise((r) => res.once('drain', r));
        }
        if (m.breakAfter?.mode === 'drop') return void res.destroy();
        if (m.breakAfter?.mode !== 'stall') res.end();
        return;
      }
      case 'upload': {
        const parsed = parseMultipart(body, req.headers['content-type'] ?? '');
        if (!parsed) return invalid(res, call, 'Invalid multipart/form-data body.');
        const field = (n: string) => parsed.find((p) => p.name === n);
        const product = field('messaging_product')?.data.toString('utf8');
        if (product !== 'whatsapp') return invalid(res, call, product ? `Param messaging_product must be one of {WHATSAPP} - got "${product}".` : 'The parameter messaging_product is required.');
        const file = field('file');
        if (!file || file.fileName === undefined) return invalid(res, call, 'The parameter file is required.');
        const type = field('type')?.data.toString('utf8');
        if (!type) return invalid(res, call, 'The parameter type is required.');
        const id = api.addMedia(file.data, file.contentType ?? type, { fileName: file.fileName });
        fake.uploaded.push({ id, bytes: Buffer.from(file.data), mimeType: file.contentType ?? '', fileName: file.fileName, type });
        return send(res, call, 200, { id });
      }
      case 'send':
      case 'markRead': {
        if (!json) return invalid(res, call, 'Invalid JSON body.');
        if (json.messaging_product === undefined) return invalid(res, call, 'The parameter messaging_product is required.');
        if (json.messaging_product !== 'whatsapp') return invalid(res, call, `Param messaging_product must be one of {WHATSAPP} - got "${String(json.messaging_product)}".`);
        if (op === 'markRead') {
          if (typeof json.message_id !== 'string' || !json.message_id.startsWith('wamid.')) {
            return graphError(res, call, 400, 131009, '(#131009) Parameter value is not valid', { details: 'Invalid message_id' });
          }
          fake.readReceipts.push(json.message_id);
          return send(res, call, 200, { success: true });
        }
        if (!validateMessage(res, call, json)) return;
        fake.sent.push(json);
        const to = json.to as string;
        return send(res, call, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to.replace(/\D/g, '') }], messages: [{ id: fakeWamid(to) }] });
      }
      default:
        return graphError(res, call, 400, 2500, 'Unknown path components: ' + url.pathname, {});
    }
  }

  const server = await listenLocal(handle);
  origin = server.origin;

  const api: FakeGraph = {
    ...fake,
    url: `${origin}/${version}`,
    origin,
    close: () => server.close(),
    addMedia(bytes, mimeType, o = {}) {
      const id = o.id ?? `${randomInt(1e7, 9e7)}${randomInt(1e7, 9e7)}`; // 16 digits, like real media ids
      media.set(id, { ...o, id, bytes: Buffer.from(bytes), mimeType, gone: false });
      return id;
    },
    expireMedia(mediaId) {
      const m = media.get(mediaId);
      if (m) m.gone = true;
    },
    expireMediaUrls(mediaId) {
      for (const ticket of issued.values()) if (ticket.id === mediaId) ticket.expired = true;
    },
    failNext(target, spec) {
      failures.push({ target, spec, left: spec.count ?? 1 });
    },
  };
  return api;
}
