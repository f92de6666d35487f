import type { Hold } from '../faults.js';
import type { GraphRateLimit, GraphRetryWindow, LimitKind } from './limits.js';
import type { MessageStatus, StatusError, StatusWebhookOptions } from './webhooks.js';

import type { FakeTemplate } from './templates.js';

export type GraphOp = 'send' | 'markRead' | 'upload' | 'mediaInfo' | 'download' | 'phoneNumber' | 'templates' | 'unknown';

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
  drop?: boolean; // destroy the socket before doing anything: a network error for the client
  /**
   * Do the work (a send is recorded in `sent`, with its wamid in `messages`), then destroy the
   * socket without answering: the client cannot tell whether it went. Applies to the next
   * `count` requests that would have been answered 2xx.
   */
  acceptThenDrop?: boolean;
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

/** A message Graph accepted (it has a wamid), however its answer went. */
export interface SentMessage {
  wamid: string;
  to: string;
  /** The request body, as in `sent`. */
  body: Record<string, unknown>;
  at: number;
  /** `dropped`: accepted, then the socket was destroyed; `held`: accepted and hung, not yet released. */
  outcome: 'answered' | 'dropped' | 'held';
  /** What Graph reports later, only in a failed status webhook (e.g. 131053 for media of the wrong type). */
  asyncError: StatusError | undefined;
}

export interface FakeGraphOptions {
  token: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  /** More phone numbers of the account that take sends and uploads (several numbers in one service); `calls` names them by path. */
  morePhoneNumberIds?: readonly string[];
  version?: string;
  verifiedName?: string;
  /** The WhatsApp Business Account id (webhook bodies, GET /{WABA-ID}/message_templates). Default 102290129340398 (Meta's examples). */
  wabaId?: string;
  /** The account's message templates; sends of any other are refused (132001). Default DEFAULT_TEMPLATES. */
  templates?: readonly FakeTemplate[];
  /** Other WhatsApp Business Accounts of the app, each with its numbers and its own templates (a number's template sends are checked against its account's). */
  moreAccounts?: ReadonlyArray<{ wabaId: string; phoneNumberIds: readonly string[]; templates: readonly FakeTemplate[] }>;
  /** Clock in ms for the service window and rate limits. Default Date.now. */
  now?: () => number;
  /** Refuse free-form messages outside the 24-hour window (131047). Default true. */
  serviceWindow?: boolean;
  /** Send rate limits (130429, 131056). Default META_RATE_LIMIT (80/s per number; 10/min, burst 45, per user). */
  rateLimit?: GraphRateLimit | false;
  /** While a Retry-After the fake sent is running, refuse again (default true); the request is counted either way. */
  enforceRetryAfter?: boolean;
}

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
  /** `target`: an op, a path (with or without the version) or `*`. */
  failNext(target: GraphOp | string, spec: FailSpec): void;
  /**
   * The next `count` (default: every one until released) requests of `op` (or a path, or `*`) get
   * no answer. Without `accept` the request is read and left open before anything happens; with
   * `accept: true` the fake does the work first (a send is recorded, outcome `held`), then holds the
   * answer. `release()` lets them continue (answered as if they had just arrived, or with the answer
   * already made) and stops holding new ones.
   */
  hang(op: GraphOp | string, opts?: { count?: number; accept?: boolean }): Hold;
  /** Requests of `op` (or a path, or `*`) are answered `ms` later, until `delay(op, 0)`. */
  delay(op: GraphOp | string, ms: number): void;
  /** Closes the port: ECONNREFUSED, open connections cut, until acceptConnections() (same port). */
  refuseConnections(): Promise<void>;
  acceptConnections(): Promise<void>;
  /** The user wrote at `at` (ms, default now): free-form messages to them are allowed for 24 hours. */
  userWrote(waId: string, at?: number): void;
  /** Requests that arrived while a Retry-After the fake had sent was still running. */
  requestsDuringRetryAfter(kind?: LimitKind): number;
  retryWindows: GraphRetryWindow[];
  /** A documented statuses webhook body for a message the fake accepted (throws for an unknown wamid). */
  statusWebhook(wamid: string, status: MessageStatus, opts?: StatusWebhookOptions): Record<string, unknown>;
  /** Bodies of the messages Graph accepted ("reached WhatsApp"), in order. */
  sent: Array<Record<string, unknown>>;
  /** The same messages with their wamid and how their answer went. */
  messages: SentMessage[];
  readReceipts: string[];
  uploaded: UploadedMedia[];
  calls: GraphCall[];
}
