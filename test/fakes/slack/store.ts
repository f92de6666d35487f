/**
 * The fake workspace: channels, users, messages and files, and the rules shared by every
 * method that posts (channel resolution, membership, thread_ts, identity overrides).
 */
import { SlackApiError } from './wire.js';
import {
  DEFAULT_SCOPES,
  type ChannelState,
  type FakeChannelConfig,
  type FakeFile,
  type FakeMessage,
  type FakeSlackOptions,
  type FakeSlackState,
  type FakeUserConfig,
  type OverrideName,
  type ThreadTsPolicy,
} from './types.js';

export function createState(opts: FakeSlackOptions): FakeSlackState {
  const state: FakeSlackState = {
    token: opts.token ?? 'xoxb-fake-token',
    scopes: new Set(opts.scopes ?? DEFAULT_SCOPES),
    botUserId: opts.botUserId ?? 'U0FAKEBOT1',
    botId: opts.botId ?? 'B0FAKEBOT1',
    teamId: opts.teamId ?? 'T0FAKETEAM',
    teamName: opts.teamName ?? 'Fake Workspace',
    teamDomain: opts.teamDomain ?? 'fake-workspace',
    botName: opts.botName ?? 'switchboard',
    channels: new Map(),
    users: new Map(),
    messages: [],
    files: new Map(),
    calls: [],
    retryWindows: [],
    triggers: new Map(),
    views: new Map(),
    ephemerals: [],
    seq: 0,
  };
  for (const c of opts.channels ?? []) addChannel(state, c);
  for (const u of opts.users ?? []) state.users.set(u.id, u);
  return state;
}

export function addChannel(state: FakeSlackState, c: FakeChannelConfig): ChannelState {
  const channel: ChannelState = {
    id: c.id,
    name: c.name.replace(/^#/, ''),
    isMember: c.isMember ?? true,
    isPrivate: c.isPrivate ?? false,
    isArchived: c.isArchived ?? false,
    created: 1690000000,
    members: c.members ? new Set(c.members) : undefined,
  };
  state.channels.set(channel.id, channel);
  return channel;
}

export function addUser(state: FakeSlackState, u: FakeUserConfig): void {
  state.users.set(u.id, u);
}

/** Unique, increasing message ts: `<tsBase + n/10000>` with microseconds, e.g. 1700000000.000100. */
export function nextTs(state: FakeSlackState, tsBase: number): string {
  state.seq += 1;
  const micros = state.seq * 100;
  const sec = tsBase + Math.floor(micros / 1_000_000);
  return `${sec}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

export function nextId(state: FakeSlackState, prefix: string): string {
  state.seq += 1;
  return `${prefix}0FAKE${String(state.seq).padStart(5, '0')}`;
}

/**
 * A channel the bot can see, by id or by name (`support` or `#support`), as chat.postMessage
 * accepts both. A private channel the bot is not in is invisible: `channel_not_found`.
 */
export function findChannel(state: FakeSlackState, ref: string | undefined): ChannelState {
  if (ref === undefined) throw new SlackApiError('channel_not_found');
  const byId = state.channels.get(ref);
  const name = ref.replace(/^#/, '');
  const channel = byId ?? [...state.channels.values()].find((c) => c.name === name);
  if (!channel || (channel.isPrivate && !channel.isMember)) throw new SlackApiError('channel_not_found');
  return channel;
}

/**
 * A channel the bot may post in. Not a member → `not_in_channel`, unless the channel is public
 * and the token has `chat:write.public` (https://docs.slack.dev/reference/scopes/chat.write.public).
 */
export function postableChannel(state: FakeSlackState, ref: string | undefined): ChannelState {
  const channel = findChannel(state, ref);
  if (channel.isArchived) throw new SlackApiError('is_archived');
  if (!channel.isMember && !(state.scopes.has('chat:write.public') && !channel.isPrivate)) {
    throw new SlackApiError('not_in_channel');
  }
  return channel;
}

export function findMessage(state: FakeSlackState, channel: string, ts: string | undefined): FakeMessage | undefined {
  if (ts === undefined) return undefined;
  return state.messages.find((m) => m.channel === channel && m.ts === ts);
}

const TS_FORMAT = /^\d{1,12}\.\d{6}$/;

export interface ThreadPlacement {
  threadTs: string | undefined;
  orphaned: boolean;
}

/**
 * Where a message posted with `thread_ts` lands.
 *
 * https://docs.slack.dev/reference/methods/chat.postMessage#arg_thread_ts: "Provide another
 * message's ts value to make this message a reply. Avoid using a reply's ts value; use its
 * parent instead." Real Slack answers `invalid_thread_ts` for a malformed value ("[ERROR] 0 is
 * not a valid thread_ts"), accepts a reply's ts (the message joins that reply's thread), and
 * accepts an unknown ts with ok:true while the message is never shown (slackapi/python-slack-sdk#840:
 * a float thread_ts that lost its trailing zero produced invisible replies). See ThreadTsPolicy.
 */
export function placeInThread(
  state: FakeSlackState,
  channel: string,
  threadTs: string | undefined,
  policy: ThreadTsPolicy,
): ThreadPlacement {
  if (threadTs === undefined) return { threadTs: undefined, orphaned: false };
  if (!TS_FORMAT.test(threadTs)) {
    throw new SlackApiError('invalid_thread_ts', {
      response_metadata: { messages: [`[ERROR] ${threadTs} is not a valid thread_ts`] },
    });
  }
  const parent = findMessage(state, channel, threadTs);
  if (policy === 'slack') {
    if (!parent) return { threadTs, orphaned: true };
    return { threadTs: parent.thread_ts ?? parent.ts, orphaned: false };
  }
  if (!parent || parent.thread_ts !== undefined) throw new SlackApiError('thread_not_found');
  return { threadTs: parent.ts, orphaned: false };
}

export interface Identity {
  username: string | undefined;
  icon_url: string | undefined;
  icon_emoji: string | undefined;
  ignored: OverrideName[];
}

/**
 * `username`, `icon_url` and `icon_emoji` take effect only with `chat:write.customize`
 * (https://docs.slack.dev/reference/scopes/chat.write.customize). Without it Slack does not
 * refuse the post: it drops the overrides and posts under the app's own name and icon. The
 * fake does the same and records which overrides were dropped.
 */
export function identity(state: FakeSlackState, asked: Omit<Identity, 'ignored'>): Identity {
  const sent = (Object.keys(asked) as OverrideName[]).filter((k) => asked[k] !== undefined);
  if (state.scopes.has('chat:write.customize')) return { ...asked, ignored: [] };
  return { username: undefined, icon_url: undefined, icon_emoji: undefined, ignored: sent };
}

export function newMessage(init: Partial<FakeMessage> & Pick<FakeMessage, 'channel' | 'ts' | 'user'>): FakeMessage {
  return {
    thread_ts: undefined,
    text: undefined,
    blocks: undefined,
    bot_id: undefined,
    username: undefined,
    icon_url: undefined,
    icon_emoji: undefined,
    ignored_overrides: [],
    metadata: undefined,
    files: undefined,
    reply_broadcast: false,
    reactions: [],
    edits: [],
    orphaned: false,
    truncated: false,
    ...init,
  };
}

/** A message the bot posts: where it goes, what it says, and as whom (overrides that were allowed). */
export function botMessage(
  state: FakeSlackState,
  tsBase: number,
  post: {
    channel: string;
    place: ThreadPlacement;
    content: { text: string | undefined; blocks: unknown[] | undefined; truncated: boolean };
    who: Identity;
  },
  extra: Partial<FakeMessage> = {},
): FakeMessage {
  return newMessage({
    channel: post.channel,
    ts: nextTs(state, tsBase),
    thread_ts: post.place.threadTs,
    orphaned: post.place.orphaned,
    text: post.content.text,
    blocks: post.content.blocks,
    truncated: post.content.truncated,
    user: state.botUserId,
    bot_id: state.botId,
    username: post.who.username,
    icon_url: post.who.icon_url,
    icon_emoji: post.who.icon_emoji,
    ignored_overrides: post.who.ignored,
    ...extra,
  });
}

/** The message object Slack returns in chat.postMessage / chat.update answers. */
export function messageView(state: FakeSlackState, m: FakeMessage): Record<string, unknown> {
  const view: Record<string, unknown> = { type: 'message', user: m.user, text: m.text ?? '', ts: m.ts };
  if (m.bot_id) {
    view.bot_id = m.bot_id;
    view.team = state.teamId;
  }
  if (m.thread_ts) view.thread_ts = m.thread_ts;
  if (m.blocks) view.blocks = m.blocks;
  if (m.username) view.username = m.username;
  if (m.icon_url || m.icon_emoji) view.icons = m.icon_emoji ? { emoji: m.icon_emoji } : { image_48: m.icon_url };
  if (m.metadata !== undefined) view.metadata = m.metadata;
  if (m.files) view.files = m.files;
  if (m.edits.length > 0) view.edited = { user: m.user, ts: m.ts };
  return view;
}

const MIME: Record<string, string> = {
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  mp4: 'video/mp4',
};

export function guessMime(filename: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  return (ext && MIME[ext]) ?? 'application/octet-stream';
}

export function newFile(
  state: FakeSlackState,
  baseUrl: string,
  init: { name: string; title?: string; mimetype?: string; length: number },
): FakeFile {
  const id = nextId(state, 'F');
  const slug = encodeURIComponent(init.name);
  const file: FakeFile = {
    id,
    name: init.name,
    title: init.title ?? init.name,
    mimetype: init.mimetype ?? guessMime(init.name),
    length: init.length,
    bytes: undefined,
    uploadUrl: undefined,
    uploaded: false,
    completed: false,
    channels: [],
    alt_txt: undefined,
    snippet_type: undefined,
    url_private: `${baseUrl}/files-pri/${state.teamId}-${id}/${slug}`,
    url_private_download: `${baseUrl}/files-pri/${state.teamId}-${id}/download/${slug}`,
    permalink: `https://${state.teamDomain}.slack.com/files/${state.botUserId}/${id}/${slug}`,
  };
  state.files.set(id, file);
  return file;
}
