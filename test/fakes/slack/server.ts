/**
 * A fake Slack Web API over real HTTP, for driving the official @slack/web-api client
 * (`new WebClient(token, { slackApiUrl: fake.url })`) and the bridge in tests.
 *
 * Routes:
 *   POST|GET /api/<method>        Web API methods (see methods/*.ts); apps.connections.open takes the
 *                                 app token only and hands out ../slack-socket.ts's Socket Mode URLs
 *   POST     /upload/v1/<key>     upload URLs handed out by files.getUploadURLExternal
 *   GET      /files-pri/<T>-<F>/… url_private of files (Bearer token required, else 401)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaults, listenFaulty, type Faults } from '../faults.js';
import { activeWindow, ChannelBuckets, FailureQueue, openWindow, type Refusal } from './limits.js';
import { appMethods } from './methods/apps.js';
import { chatMethods } from './methods/chat.js';
import type { MethodSpec, Settings } from './methods/context.js';
import { fileMethods } from './methods/files.js';
import { historyMethods } from './methods/history.js';
import { viewMethods } from './methods/views.js';
import { workspaceMethods } from './methods/workspace.js';
import { findChannel } from './store.js';
import type { FakeCall, FakeSlackOptions, FakeSlackState } from './types.js';
import {
  parseBody,
  presentedToken,
  readBody,
  sendJson,
  sendText,
  SlackApiError,
  str,
  type ParsedBody,
  type Params,
} from './wire.js';

/** Every Web API method the fake answers, with the scopes its docs.slack.dev page names. */
export const METHODS: Record<string, MethodSpec> = { ...chatMethods, ...fileMethods, ...workspaceMethods, ...historyMethods, ...appMethods, ...viewMethods };

export interface Server {
  baseUrl: string;
  failures: FailureQueue;
  faults: Faults;
  refuseConnections(): Promise<void>;
  acceptConnections(): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(state: FakeSlackState, opts: FakeSlackOptions): Promise<Server> {
  const now = opts.now ?? Date.now;
  const settings: Settings = {
    maxBlocksTextChars: opts.maxBlocksTextChars ?? 13_000,
    longText: opts.longText ?? 'reject',
    threadTsPolicy: opts.threadTsPolicy ?? 'strict',
    tsBase: opts.tsBase ?? 1_700_000_000,
    socketModeUrl: opts.socketModeUrl,
  };
  const buckets = opts.rateLimit ? new ChannelBuckets(opts.rateLimit) : undefined;
  const failures = new FailureQueue();
  const faults = createFaults();
  const enforceRetryAfter = opts.enforceRetryAfter ?? true;
  let baseUrl = '';

  function record(call: Omit<FakeCall, 'at' | 'injected' | 'duringRetryAfter' | 'missingScope'> & Partial<FakeCall>): FakeCall {
    const full: FakeCall = { at: now(), injected: false, duringRetryAfter: false, missingScope: undefined, ...call };
    state.calls.push(full);
    return full;
  }

  function refuse(res: ServerResponse, call: FakeCall, r: Refusal, headers: Record<string, string>): void {
    call.httpStatus = r.status;
    call.error = r.error;
    call.injected = r.injected;
    const extra: Record<string, string> = r.retryAfter === undefined ? {} : { 'retry-after': String(r.retryAfter) };
    sendJson(res, r.status, { ok: false, error: r.error }, { ...headers, ...extra });
  }

  async function api(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    const raw = await readBody(req);
    if (!(await faults.gate([method, '*']))) return;
    let body: ParsedBody;
    try {
      body = await parseBody(req.headers['content-type'] ?? '', raw);
    } catch (err) {
      const code = err instanceof SlackApiError ? err.code : 'invalid_form_data';
      record({ method, params: {}, httpStatus: 200, error: code });
      sendJson(res, 200, { ok: false, error: code });
      return;
    }
    const params: Params = { ...Object.fromEntries(query), ...body.params };
    const token = presentedToken(req, body);
    delete params.token;
    const call = record({ method, params, httpStatus: 200, error: undefined });
    const fail = (code: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void => {
      call.error = code;
      sendJson(res, 200, { ok: false, error: code, ...extra }, headers);
    };

    const spec = METHODS[method];
    if (!spec) return fail('unknown_method', { req_method: method });
    if (token === undefined) return fail('not_authed');
    // Slack keeps token types apart: an app-level token only opens Socket Mode connections, and
    // only in the Authorization header (https://docs.slack.dev/reference/methods/apps.connections.open).
    const wanted = spec.token === 'app' ? opts.appToken : state.token;
    const other = spec.token === 'app' ? state.token : opts.appToken;
    if (token !== wanted) return fail(token === other ? 'not_allowed_token_type' : 'invalid_auth');
    if (spec.token === 'app' && req.headers.authorization === undefined) return fail('not_authed');
    const headers = {
      'x-oauth-scopes': [...state.scopes].join(','),
      'x-accepted-oauth-scopes': spec.scopes.join(','),
    };

    const channelKey = method === 'chat.postMessage' ? channelIdOrRef(state, str(params, 'channel')) : undefined;
    const window = activeWindow(state, method, channelKey, now());
    if (window) {
      window.hits += 1;
      call.duringRetryAfter = true;
      if (enforceRetryAfter) {
        const left = Math.max(1, Math.ceil((window.until - now()) / 1000));
        return refuse(res, call, { status: 429, error: 'ratelimited', retryAfter: left, injected: false }, headers);
      }
    }
    const injected = failures.take(method);
    if (injected) {
      if (injected.retryAfter !== undefined) openWindow(state, method, undefined, now(), injected.retryAfter);
      return refuse(res, call, injected, headers);
    }
    if (buckets && channelKey !== undefined) {
      const wait = buckets.take(channelKey, now());
      if (wait !== undefined) {
        openWindow(state, method, channelKey, now(), wait);
        return refuse(res, call, { status: 429, error: 'ratelimited', retryAfter: wait, injected: false }, headers);
      }
    }
    if (spec.scopes.length > 0 && !spec.scopes.some((s) => state.scopes.has(s))) {
      call.missingScope = spec.scopes[0];
      if (opts.enforceScopes) {
        return fail('missing_scope', { needed: spec.scopes[0], provided: [...state.scopes].join(',') }, headers);
      }
    }

    try {
      const answer = spec.handler({ params, state, settings, baseUrl, now: now(), bodyKind: body.kind });
      if (body.missingCharset) {
        answer.warning = 'missing_charset';
        const meta = (answer.response_metadata ?? {}) as Record<string, unknown>;
        answer.response_metadata = { ...meta, warnings: ['missing_charset'] };
      }
      sendJson(res, 200, { ok: true, ...answer }, headers);
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      fail(err.code, err.extra, headers);
    }
  }

  /** The upload URL: raw bytes or a multipart form with one file part; the length must match. */
  async function upload(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const file = [...state.files.values()].find((f) => f.uploadUrl === `${baseUrl}${path}`);
    const raw = await readBody(req);
    if (!(await faults.gate(['upload', '*']))) return;
    const call = record({ method: 'upload', params: { file_id: file?.id }, httpStatus: 200, error: undefined });
    if (req.method !== 'POST' || !file) {
      call.httpStatus = 404;
      return sendText(res, 404, 'upload url not found');
    }
    const injected = failures.take('upload');
    if (injected) return refuseText(res, call, injected);
    const contentType = req.headers['content-type'] ?? '';
    const bytes = /^multipart\/form-data/i.test(contentType) ? (await parseBody(contentType, raw)).file?.bytes : raw;
    call.params = { file_id: file.id, bytes: bytes?.length ?? 0 };
    if (!bytes || bytes.length !== file.length) {
      call.httpStatus = 400;
      call.error = 'length_mismatch';
      return sendText(res, 400, `length mismatch: declared ${file.length}, received ${bytes?.length ?? 0}`);
    }
    file.bytes = bytes;
    file.uploaded = true;
    sendText(res, 200, `OK - ${bytes.length}`);
  }

  /** An injected failure on the upload URL or a file download: plain text, as those hosts answer. */
  function refuseText(res: ServerResponse, call: FakeCall, r: Refusal): void {
    call.httpStatus = r.status;
    call.error = r.error;
    call.injected = true;
    sendText(res, r.status, r.error, r.retryAfter === undefined ? {} : { 'retry-after': String(r.retryAfter) });
  }

  /** url_private / url_private_download: the bot token as Bearer, else 401. */
  async function privateFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    await readBody(req);
    if (!(await faults.gate(['file', '*']))) return;
    const id = /^\/files-pri\/[A-Z0-9]+-(F[A-Z0-9]+)\//.exec(path)?.[1];
    const file = id === undefined ? undefined : state.files.get(id);
    const authed = req.headers.authorization === `Bearer ${state.token}`;
    const call = record({ method: 'file', params: { file_id: id }, httpStatus: 200, error: undefined });
    if (!authed) {
      call.httpStatus = 401;
      return sendText(res, 401, 'unauthorized');
    }
    const injected = failures.take('file');
    if (injected) return refuseText(res, call, injected);
    if (!file?.bytes) {
      call.httpStatus = 404;
      return sendText(res, 404, 'file not found');
    }
    res.writeHead(200, { 'content-type': file.mimetype, 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  const server = await listenFaulty(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    try {
      if (apiMatch?.[1]) return await api(req, res, apiMatch[1], url.searchParams);
      if (url.pathname.startsWith('/upload/v1/')) return await upload(req, res, url.pathname);
      if (url.pathname.startsWith('/files-pri/') && req.method === 'GET') return await privateFile(req, res, url.pathname);
      sendText(res, 404, 'not found');
    } catch (err) {
      if (!res.headersSent && !res.destroyed) sendText(res, 500, `fake slack crashed: ${String(err)}`);
    }
  }, faults);
  baseUrl = server.origin;

  return {
    baseUrl,
    failures,
    faults,
    refuseConnections: server.refuseConnections,
    acceptConnections: server.acceptConnections,
    close: server.close,
  };
}

/** The channel id a rate limit applies to; the raw argument when it names no channel. */
function channelIdOrRef(state: FakeSlackState, ref: string | undefined): string | undefined {
  try {
    return findChannel(state, ref).id;
  } catch {
    return ref;
  }
}

