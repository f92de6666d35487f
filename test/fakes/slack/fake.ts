/**
 * createFakeSlack: the server plus the helpers tests assert with.
 */
import type { Hold } from '../faults.js';
import { issueTrigger, viewObject } from './methods/views.js';
import { startServer } from './server.js';
import { addChannel, addUser, createState, newFile, newMessage, nextTs, placeInThread } from './store.js';
import type {
  FailSpec,
  FakeCall,
  FakeChannelConfig,
  FakeFile,
  FakeMessage,
  FakeSlackOptions,
  FakeSlackState,
  FakeUserConfig,
  FakeView,
  FileRef,
} from './types.js';

export interface FakeSlack {
  /** Base for `new WebClient(token, { slackApiUrl })`, e.g. `http://127.0.0.1:PORT/api/`. */
  url: string;
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  baseUrl: string;
  /** The bot token the fake accepts. */
  token: string;
  state: FakeSlackState;
  close(): Promise<void>;

  /** Every message (bot and seeded users), in posting order; one channel's when given. */
  messages(channel?: string): FakeMessage[];
  /** The replies under a thread parent, oldest first (the parent itself excluded). */
  threadReplies(channel: string, threadTs: string): FakeMessage[];
  /** The channel's top-level messages (thread parents and unthreaded messages). */
  topLevel(channel: string): FakeMessage[];
  /** The request log, one method's when given (`upload` = upload URL, `file` = url_private GET). */
  calls(method?: string): FakeCall[];

  /**
   * The next `count` (default 1) calls of `method` fail as specified: `{status: 429, retryAfter}`
   * answers ratelimited with Retry-After (and opens a Retry-After window), another status gives
   * an HTTP error, no status gives HTTP 200 `{ok:false, error}`. `*` matches any call, `upload`
   * the upload URL and `file` a url_private download; those two answer a status (e.g. 503) with a
   * plain-text body, as Slack's file hosts do, and 429 with Retry-After.
   */
  failNext(method: string, spec?: FailSpec): void;
  /**
   * The next `count` (default: every one until released) calls of `method` (or `*`, `upload`,
   * `file`) get no answer: the request is read and left open. `release()` lets the held ones
   * continue, answered as if they had just arrived, and stops holding new ones. A held call is
   * logged in `calls()` only once released; `waiting` counts the held ones.
   */
  hang(method: string, opts?: { count?: number }): Hold;
  /** Calls of `method` (or `*`, `upload`, `file`) are answered `ms` later, until `delay(method, 0)`. */
  delay(method: string, ms: number): void;
  /** Closes the port: connections are refused (ECONNREFUSED) and open ones cut, until acceptConnections(). */
  refuseConnections(): Promise<void>;
  /** Listens again on the same port, so `url` stays valid. */
  acceptConnections(): Promise<void>;
  /** Requests that arrived while a Retry-After the fake had sent was still running. */
  requestsDuringRetryAfter(method?: string): number;
  /** Calls of methods whose scope the token lacks (answered unless `enforceScopes`). */
  scopeViolations(): FakeCall[];

  /** A file someone else (an agent) shared: downloadable at `url_private` with the bot token. */
  addPrivateFile(bytes: Buffer | string, meta: { name: string; mimetype?: string; title?: string }): FakeFile;
  /**
   * A message by a human in Slack, or with `bot_id` by another app (its bot user in `user`), such as
   * WhatsAppInSlack's thread parents. chat.update refuses to edit either: `cant_update_message`.
   */
  addUserMessage(msg: {
    channel: string;
    user: string;
    text?: string;
    thread_ts?: string;
    files?: readonly FakeFile[];
    bot_id?: string;
    blocks?: unknown[];
  }): FakeMessage;
  /** A trigger_id as Slack sends with an interaction: views.open accepts it once, within 3 s. */
  issueTrigger(): string;
  /** Modals opened (and App Home views published), oldest first. */
  views(type?: 'modal' | 'home'): FakeView[];
  /** A view as Slack puts it in interaction payloads (`view` of view_submission / block_actions). */
  viewPayload(view: FakeView, values?: Record<string, Record<string, unknown>>): Record<string, unknown>;
  addChannel(channel: FakeChannelConfig): void;
  addUser(user: FakeUserConfig): void;
  setScopes(scopes: readonly string[]): void;
  /** Forgets messages, files, calls, Retry-After windows, pending failures and delays; releases hung calls. */
  reset(): void;
}

export async function createFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const state = createState(opts);
  const server = await startServer(state, opts);
  const tsBase = opts.tsBase ?? 1_700_000_000;
  const fileRef = (f: FakeFile): FileRef => ({
    id: f.id,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    size: f.length,
    url_private: f.url_private,
  });

  return {
    url: `${server.baseUrl}/api/`,
    baseUrl: server.baseUrl,
    token: state.token,
    state,
    close: server.close,
    messages: (channel) => state.messages.filter((m) => channel === undefined || m.channel === channel),
    threadReplies: (channel, threadTs) =>
      state.messages.filter((m) => m.channel === channel && m.thread_ts === threadTs && m.ts !== threadTs),
    topLevel: (channel) => state.messages.filter((m) => m.channel === channel && m.thread_ts === undefined),
    calls: (method) => state.calls.filter((c) => method === undefined || c.method === method),
    failNext: (method, spec = {}) => server.failures.add(method, spec),
    hang: (method, o) => server.faults.hang(method, o),
    delay: (method, ms) => server.faults.delay(method, ms),
    refuseConnections: server.refuseConnections,
    acceptConnections: server.acceptConnections,
    requestsDuringRetryAfter: (method) =>
      state.retryWindows.filter((w) => method === undefined || w.method === method).reduce((n, w) => n + w.hits, 0),
    scopeViolations: () => state.calls.filter((c) => c.missingScope !== undefined),
    addPrivateFile(bytes, meta) {
      const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      const file = newFile(state, server.baseUrl, { ...meta, length: data.length });
      file.bytes = data;
      file.uploaded = true;
      file.completed = true;
      return file;
    },
    addUserMessage(msg) {
      const place = placeInThread(state, msg.channel, msg.thread_ts, opts.threadTsPolicy ?? 'strict');
      const message = newMessage({
        channel: msg.channel,
        ts: nextTs(state, tsBase),
        user: msg.user,
        text: msg.text,
        thread_ts: place.threadTs,
        orphaned: place.orphaned,
        files: msg.files?.map(fileRef),
        bot_id: msg.bot_id,
        blocks: msg.blocks,
      });
      for (const f of msg.files ?? []) if (!f.channels.includes(msg.channel)) f.channels.push(msg.channel);
      state.messages.push(message);
      return message;
    },
    issueTrigger: () => issueTrigger(state, (opts.now ?? Date.now)()),
    views: (type) => [...state.views.values()].filter((v) => type === undefined || v.type === type),
    viewPayload: (view, values = {}) => ({ ...viewObject(state, view), state: { values } }),
    addChannel: (channel) => void addChannel(state, channel),
    addUser: (user) => addUser(state, user),
    setScopes: (scopes) => {
      state.scopes = new Set(scopes);
    },
    reset() {
      state.messages.length = 0;
      state.files.clear();
      state.calls.length = 0;
      state.retryWindows.length = 0;
      state.triggers.clear();
      state.views.clear();
      server.failures.clear();
      server.faults.clear();
    },
  };
}
