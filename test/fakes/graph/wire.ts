/**
 * Graph's wire format: error bodies, message ids, multipart bodies.
 *
 * Errors (developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes):
 * `{ error: { message: "(#<code>) <title>", type, code, error_subcode?, error_data: { messaging_product,
 * details }, fbtrace_id } }`; build on `code` and `details`, not on titles.
 */
import { randomBytes } from 'node:crypto';

/** An answer the fake is about to write. */
export interface Answer {
  status: number;
  body: unknown; // a string is sent as text/html, anything else as JSON
  headers?: Record<string, string>;
}

export interface ErrorExtra {
  subcode?: number;
  details?: string;
  retryAfter?: string | number;
  headers?: Record<string, string>;
  rawBody?: string;
}

/** Titles from the error-codes page; Graph puts them in `message` as "(#code) title". */
export const TITLES: Record<number, string> = {
  4: 'Application request limit reached',
  80007: 'Rate limit issues',
  130429: 'Rate limit hit',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  131047: 'Re-engagement message',
  131026: 'Message undeliverable',
  131052: 'Media download error',
  131053: 'Media upload error',
  131000: 'Something went wrong',
  131016: 'Service unavailable',
};

export function defaultMessage(code: number): string | undefined {
  if (code === 190) return 'Invalid OAuth access token - Cannot parse access token';
  const title = TITLES[code];
  return title === undefined ? undefined : `(#${code}) ${title}`;
}

export function graphError(status: number, code: number, message: string, extra: ErrorExtra = {}): Answer {
  const error = {
    message,
    type: code === 100 && extra.subcode === 33 ? 'GraphMethodException' : 'OAuthException',
    code,
    ...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
    ...(extra.details ? { error_data: { messaging_product: 'whatsapp', details: extra.details } } : {}),
    fbtrace_id: randomBytes(9).toString('base64url'),
  };
  const headers = { ...(extra.retryAfter !== undefined ? { 'retry-after': String(extra.retryAfter) } : {}), ...extra.headers };
  return { status, body: extra.rawBody ?? { error }, headers };
}

/** A parameter problem: HTTP 400, code 100. */
export const invalidParam = (message: string, details?: string): Answer =>
  graphError(400, 100, `(#100) ${message}`, details ? { details } : {});

/** `wamid.` + base64 of the layout real ids decode to: 1c 18 <len> <phone> 15 02 00 11 18 <len> <HEX> 00. */
export function fakeWamid(to: string): string {
  const phone = Buffer.from(to.replace(/\D/g, '') || '0');
  const hex = Buffer.from(randomBytes(9).toString('hex').toUpperCase());
  return `wamid.${Buffer.concat([Buffer.from([0x1c, 0x18, phone.length]), phone, Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, hex.length]), hex, Buffer.from([0])]).toString('base64')}`;
}

export interface Part { name: string; fileName?: string; contentType?: string; data: Buffer }

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
