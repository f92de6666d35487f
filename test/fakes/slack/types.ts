/**
 * Types of the fake Slack Web API (see ../slack.ts for the entry point).
 *
 * Records use Slack's own snake_case field names (`thread_ts`, `icon_url`, ...) so a test
 * can compare them with what it sent on the wire without translating.
 */

export interface FakeChannelConfig {
  id: string;
  name: string;
  /** Whether the bot user is a member. Default true. */
  isMember?: boolean;
  /** Private channel (`is_private`); a bot outside it cannot even see it. Default false. */
  isPrivate?: boolean;
  isArchived?: boolean;
  /** The people in the channel (chat.postEphemeral's user_not_in_channel). Default: everyone. */
  members?: string[];
}

export interface FakeUserConfig {
  id: string;
  name: string;
  realName?: string;
  displayName?: string;
  isBot?: boolean;
  deleted?: boolean;
  /** `profile.email` in users.info, shown only to a token with `users:read.email` (as Slack does). */
  email?: string;
}

export interface RateLimitConfig {
  /** Refill rate of the per-channel token bucket for chat.postMessage. */
  perChannelPerSecond: number;
  /** Bucket size: how many posts in a row a channel accepts from rest. Default max(1, rate). */
  burst?: number;
}

/**
 * What to do with a `thread_ts` that is not a top-level message of the channel.
 * - `strict` (default): unknown ts or a reply's ts → `thread_not_found`. Stricter than Slack,
 *   so that a bridge bug (threading under a reply, or under a ts from another channel) fails loudly.
 * - `slack`: what real Slack does. A reply's ts is accepted and the message joins the reply's
 *   thread (the docs only say "avoid using a reply's ts value; use its parent instead"); an
 *   unknown ts is accepted with ok:true and the message is recorded as `orphaned` (in real Slack
 *   it is invisible: it hangs under a parent nobody can open).
 */
export type ThreadTsPolicy = 'strict' | 'slack';

export interface FakeSlackOptions {
  /** Bot token the fake accepts. Default `xoxb-fake-token`. */
  token?: string;
  /** Granted scopes, echoed in `x-oauth-scopes`. Default: DEFAULT_SCOPES. */
  scopes?: readonly string[];
  botUserId?: string;
  botId?: string;
  teamId?: string;
  teamName?: string;
  /** Workspace subdomain, used in `auth.test` url and permalinks. */
  teamDomain?: string;
  botName?: string;
  channels?: readonly FakeChannelConfig[];
  users?: readonly FakeUserConfig[];
  /** Per-channel chat.postMessage limit. Default off. */
  rateLimit?: RateLimitConfig | false;
  /** Bound on the summed text of a message's blocks before `msg_blocks_too_long`. Default 13,000. */
  maxBlocksTextChars?: number;
  /** `reject` (default): text over 40,000 chars → `msg_too_long`. `truncate`: keep 40,000, as Slack documents. */
  longText?: 'reject' | 'truncate';
  threadTsPolicy?: ThreadTsPolicy;
  /**
   * Answer `missing_scope` when a method's scope is not granted. Default false: the call goes
   * through but the log entry carries `missingScope` (see `scopeViolations()`).
   */
  enforceScopes?: boolean;
  /** While a Retry-After window is open, answer 429 again (default true). Either way the request is counted. */
  enforceRetryAfter?: boolean;
  /** Clock in ms, for rate limits and Retry-After windows. Default Date.now. */
  now?: () => number;
  /** Seconds part of the first message ts. Default 1700000000. */
  tsBase?: number;
  /**
   * App-level token (`xapp-…`) that `apps.connections.open` accepts; unset, that method accepts
   * none. Token types do not mix, as in Slack: the bot token there, or the app token on a bot
   * method, is answered `not_allowed_token_type`.
   */
  appToken?: string;
  /**
   * The Socket Mode URL `apps.connections.open` hands out: `createFakeSocketMode().issueUrl`
   * (../slack-socket.ts). Unset, it answers a URL on the fake itself, which refuses the upgrade.
   */
  socketModeUrl?: () => string;
}

export interface Reaction {
  name: string;
  users: string[];
  count: number;
}

export interface MessageEdit {
  at: number;
  text: string | undefined;
  blocks: unknown[] | undefined;
  previous: { text: string | undefined; blocks: unknown[] | undefined };
}

export interface FileRef {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  url_private: string;
}

export type OverrideName = 'username' | 'icon_url' | 'icon_emoji';

export interface FakeMessage {
  channel: string;
  ts: string;
  /** Parent ts for a reply; undefined for a top-level message. */
  thread_ts: string | undefined;
  text: string | undefined;
  blocks: unknown[] | undefined;
  /** Author: the bot user id for the bot's posts, a user id for `addUserMessage`. */
  user: string;
  bot_id: string | undefined;
  username: string | undefined;
  icon_url: string | undefined;
  icon_emoji: string | undefined;
  /** Identity overrides that were sent but dropped for want of `chat:write.customize`. */
  ignored_overrides: OverrideName[];
  metadata: unknown;
  files: FileRef[] | undefined;
  reply_broadcast: boolean;
  reactions: Reaction[];
  edits: MessageEdit[];
  /** Only under threadTsPolicy 'slack': posted under a thread_ts that matched no message. */
  orphaned: boolean;
  /** Set when longText is 'truncate' and the text was cut to 40,000 chars. */
  truncated: boolean;
}

export interface FakeFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  /** Length declared to files.getUploadURLExternal (or the real size for addPrivateFile). */
  length: number;
  bytes: Buffer | undefined;
  uploadUrl: string | undefined;
  uploaded: boolean;
  completed: boolean;
  channels: string[];
  alt_txt: string | undefined;
  snippet_type: string | undefined;
  url_private: string;
  url_private_download: string;
  permalink: string;
}

export interface FakeCall {
  /** API method, or `upload` for the upload URL and `file` for a url_private GET. */
  method: string;
  params: Record<string, unknown>;
  at: number;
  httpStatus: number;
  /** `error` of an ok:false answer (including `ratelimited` on a 429). */
  error: string | undefined;
  /** The answer came from failNext. */
  injected: boolean;
  /** The request arrived while a Retry-After window for it was still open. */
  duringRetryAfter: boolean;
  /** Scope the method needs that the token lacks (recorded even when not enforced). */
  missingScope: string | undefined;
}

export interface RetryWindow {
  method: string;
  /** Set for the per-channel chat.postMessage limit; unset for injected 429s (whole method). */
  channel: string | undefined;
  from: number;
  until: number;
  retryAfter: number;
  /** Requests that arrived inside the window. */
  hits: number;
}

export interface FailSpec {
  /** HTTP status. 429 answers `ratelimited` with Retry-After; other non-200s are HTTP errors. Default 200. */
  status?: number;
  /** `error` of the ok:false body. Default `ratelimited` for 429, `internal_error` otherwise. */
  error?: string;
  /** Retry-After seconds for a 429. Default 1. */
  retryAfter?: number;
  /** How many consecutive calls fail. Default 1. */
  count?: number;
}

export interface ChannelState {
  id: string;
  name: string;
  isMember: boolean;
  isPrivate: boolean;
  isArchived: boolean;
  created: number;
  /** Undefined: everyone is in the channel. */
  members: Set<string> | undefined;
}

/** A message only one person sees (chat.postEphemeral): never in history, never editable. */
export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  threadTs: string | undefined;
  ts: string;
}

/** A modal or App Home view the bot opened, updated or published (methods/views.ts). */
export interface FakeView {
  id: string;
  type: 'modal' | 'home';
  /** The App Home's owner (views.publish). */
  user: string | undefined;
  externalId: string | undefined;
  /** Changes with every update: views.update with a stale one answers `hash_conflict`. */
  hash: string;
  /** The view as last sent (title, blocks, private_metadata, callback_id, …). */
  view: Record<string, unknown>;
  openedAt: number;
  /** How many times views.update / views.publish replaced it. */
  updates: number;
}

export interface FakeSlackState {
  token: string;
  scopes: Set<string>;
  botUserId: string;
  botId: string;
  teamId: string;
  teamName: string;
  teamDomain: string;
  botName: string;
  channels: Map<string, ChannelState>;
  users: Map<string, FakeUserConfig>;
  /** Every message, in posting order. */
  messages: FakeMessage[];
  files: Map<string, FakeFile>;
  calls: FakeCall[];
  retryWindows: RetryWindow[];
  /** trigger_ids handed out with interactions (valid 3 s, once). */
  triggers: Map<string, { issuedAt: number; used: boolean }>;
  views: Map<string, FakeView>;
  ephemerals: FakeEphemeral[];
  /** Next sequence number for ts and ids. */
  seq: number;
}

export const DEFAULT_SCOPES: readonly string[] = [
  'chat:write',
  'chat:write.customize',
  'channels:history',
  'groups:history',
  'reactions:read',
  'reactions:write',
  'files:read',
  'files:write',
  'users:read',
  'users:read.email',
  'commands',
];
