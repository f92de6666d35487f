/**
 * Slack's wire format: how arguments arrive and how answers leave.
 *
 * https://docs.slack.dev/apis/web-api/ — POST `application/x-www-form-urlencoded` (what
 * @slack/web-api sends; arrays and objects such as `blocks`, `files`, `metadata` arrive as JSON
 * strings), `application/json` (values arrive typed), or multipart/form-data (what the SDK
 * switches to when an argument is a Buffer). Every answer is HTTP 200 with `{ok:true,...}` or
 * `{ok:false,error:'<code>'}`, except rate limiting (HTTP 429 + Retry-After).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Params = Record<string, unknown>;

/** An `ok:false` answer; `extra` is merged into the body (e.g. `response_metadata`, `needed`). */
export class SlackApiError extends Error {
  readonly code: string;
  readonly extra: Record<string, unknown>;
  constructor(code: string, extra: Record<string, unknown> = {}) {
    super(code);
    this.code = code;
    this.extra = extra;
  }
}

/** Slack's shape for argument problems: `invalid_arguments` + `[ERROR]` lines. */
export function invalidArguments(...problems: string[]): SlackApiError {
  return new SlackApiError('invalid_arguments', {
    response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
  });
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface ParsedBody {
  params: Params;
  kind: 'form' | 'json' | 'multipart' | 'none';
  /** First file part of a multipart body. */
  file: { bytes: Buffer; filename: string; field: string } | undefined;
  /** JSON posted without `charset=utf-8`: Slack adds the `missing_charset` warning. */
  missingCharset: boolean;
}

export async function parseBody(contentType: string, body: Buffer): Promise<ParsedBody> {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (body.length === 0) return { params: {}, kind: 'none', file: undefined, missingCharset: false };
  if (type === 'application/json') {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SlackApiError('invalid_json');
    return {
      params: parsed as Params,
      kind: 'json',
      file: undefined,
      missingCharset: !/charset=utf-8/i.test(contentType),
    };
  }
  if (type === 'multipart/form-data') {
    const form = await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
    const params: Params = {};
    let file: ParsedBody['file'];
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') params[key] = value;
      else if (!file) file = { bytes: Buffer.from(await value.arrayBuffer()), filename: value.name, field: key };
    }
    return { params, kind: 'multipart', file, missingCharset: false };
  }
  // x-www-form-urlencoded, and what Slack also tolerates without a content type.
  return {
    params: Object.fromEntries(new URLSearchParams(body.toString('utf8'))),
    kind: 'form',
    file: undefined,
    missingCharset: false,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A string argument; numbers and booleans (JSON bodies) are stringified, empty strings are absent. */
export function str(params: Params, key: string): string | undefined {
  const v = params[key];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function bool(params: Params, key: string): boolean {
  const v = params[key];
  return v === true || v === 'true' || v === '1' || v === 1;
}

/**
 * A structured argument: a JSON string (form bodies) or the value itself (JSON bodies).
 * Throws `formatError` when a string is not JSON.
 */
export function jsonArg(params: Params, key: string, formatError: string): unknown {
  const v = params[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw new SlackApiError(formatError);
  }
}

/** Bearer token from the header, else the `token` argument (form bodies only, as Slack). */
export function presentedToken(req: IncomingMessage, body: ParsedBody): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m?.[1] ?? auth;
  }
  return body.kind === 'json' ? undefined : str(body.params, 'token');
}
