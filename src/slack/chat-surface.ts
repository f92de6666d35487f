import { LogLevel, WebClient } from '@slack/web-api';
import { BridgeError } from '../core/errors.js';
import type { ChatSurface, FileUpload, PostMessage } from '../core/ports.js';
import type { Logger } from '../logger.js';
import { toSlackBridgeError } from './errors.js';
import { downloadSlackFile, fileHostCheck } from './file-download.js';
import type { Pacer } from '../pacer.js';

export interface SlackIdentity {
  userId: string;
  botId?: string;
  teamId?: string;
  scopes: string[];
}

export interface SlackChatSurface extends ChatSurface {
  /** auth.test: who the bridge is and which scopes it has (cached after the first call). */
  identity(): Promise<SlackIdentity>;
  /** SLACK_CHANNEL as an ID: names are looked up once with conversations.list. */
  resolveChannel(nameOrId: string): Promise<string>;
  readonly client: WebClient;
}

export interface SlackChatSurfaceOptions {
  token: string;
  apiUrl: string;
  pacer: Pacer;
  logger: Logger;
  fetch?: typeof fetch;
  /**
   * Longest wait for one Web API call (default 15 s); uploads get this plus time for their size,
   * downloads this for the headers and for each chunk.
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** File transfers are given time for their size at no less than this rate (a slow link, not a stalled one). */
const MIN_TRANSFER_BYTES_PER_SECOND = 64 * 1024;

/** A transfer's time limit: the call's own plus time for its bytes. */
export function transferTimeoutMs(baseMs: number, bytes: number): number {
  return baseMs + Math.ceil((bytes / MIN_TRANSFER_BYTES_PER_SECOND) * 1000);
}

export function createWebClient(token: string, apiUrl: string, timeoutMs = DEFAULT_TIMEOUT_MS): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    // Never wait for ever: a call that hangs would hold its channel (and every conversation in it).
    timeout: timeoutMs,
    // The queue paces and retries per channel; the SDK must not stall its whole queue on a 429.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
}

export function createSlackChatSurface(opts: SlackChatSurfaceOptions): SlackChatSurface {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = createWebClient(opts.token, opts.apiUrl, timeoutMs);
  const doFetch = opts.fetch ?? fetch;
  const download = { token: opts.token, fetch: doFetch, trusted: fileHostCheck(opts.apiUrl), timeoutMs };
  const log = opts.logger.child({ component: 'slack' });
  let identity: Promise<SlackIdentity> | undefined;
  let scopes: Set<string> | undefined;
  const channels = new Map<string, string>();
  const userNames = new Map<string, Promise<string>>();
  const channelNames = new Map<string, Promise<string>>();

  async function call<T>(method: string, fn: () => Promise<T>, channel?: string): Promise<T> {
    const release = channel ? await opts.pacer.acquire(channel) : undefined;
    try {
      return await fn();
    } catch (err) {
      const bridged = toSlackBridgeError(err, method);
      if (bridged.code === 'rate_limited' && channel) {
        opts.pacer.pause(channel, bridged.retryAfterMs ?? 1000);
        log.warn({ method, channel, retryAfterMs: bridged.retryAfterMs }, 'Slack rate limit: pausing the channel');
      } else if (!bridged.retryable) {
        log.error({ method, channel, code: bridged.code }, 'Slack refused a call');
      }
      throw bridged;
    } finally {
      release?.();
    }
  }

  const getIdentity = () =>
    (identity ??= call('auth.test', () => client.auth.test())
      .then((r) => {
        const granted = r.response_metadata?.scopes ?? [];
        scopes = new Set(granted);
        return { userId: r.user_id ?? '', botId: r.bot_id, teamId: r.team_id, scopes: granted };
      })
      .catch((err: unknown) => {
        identity = undefined;
        throw err;
      }));

  return {
    client,
    identity: getIdentity,

    async findPosted(query) {
      const me = await getIdentity();
      // A margin before `since`: Slack's clock and ours need not agree to the second.
      const oldest = ((query.since - 10 * 60_000) / 1000).toFixed(6);
      const page = await call(query.threadTs ? 'conversations.replies' : 'conversations.history', () =>
        query.threadTs
          ? client.conversations.replies({ channel: query.channel, ts: query.threadTs, oldest, include_all_metadata: true, limit: 200 })
          : client.conversations.history({ channel: query.channel, oldest, include_all_metadata: true, limit: 200 }),
      );
      const found = (page.messages ?? []).find((m) => {
        const meta = m.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
        if (meta?.event_type !== query.eventType || (me.botId && m.bot_id !== me.botId)) return false;
        return Object.entries(query.match).every(([k, v]) => meta.event_payload?.[k] === v);
      });
      if (found?.ts) log.info({ eventType: query.eventType }, 'found a post from an earlier attempt; not posting again');
      return found?.ts;
    },

    async findUploaded(query) {
      const me = await getIdentity();
      const oldest = ((query.since - 10 * 60_000) / 1000).toFixed(6);
      const page = await call('conversations.replies', () =>
        client.conversations.replies({ channel: query.channel, ts: query.threadTs, oldest, limit: 200 }),
      );
      const found = (page.messages ?? [])
        .filter((m) => !me.botId || m.bot_id === me.botId)
        .flatMap((m) => (m.files ?? []) as Array<{ id?: string; name?: string }>)
        .find((f) => f.name === query.fileName);
      if (found?.id) log.info('found a file an earlier attempt uploaded; not uploading again');
      return found?.id;
    },

    canPostAs() {
      // Unknown until auth.test has answered: assume not, which is the safe rendering.
      return scopes?.has('chat:write.customize') ?? false;
    },

    async resolveChannel(nameOrId) {
      if (/^[CG][A-Z0-9]{6,}$/.test(nameOrId)) return nameOrId;
      const cached = channels.get(nameOrId);
      if (cached) return cached;
      let cursor: string | undefined;
      do {
        const page = await call('conversations.list', () =>
          client.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, cursor }),
        );
        const found = page.channels?.find((c) => c.name === nameOrId);
        if (found?.id) {
          channels.set(nameOrId, found.id);
          return found.id;
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      throw new BridgeError(`Slack channel #${nameOrId} not found (is the bot invited to it?)`, { code: 'slack_channel_not_found', retryable: false });
    },

    async postMessage(message: PostMessage) {
      await getIdentity();
      const r = await call(
        'chat.postMessage',
        () =>
          client.chat.postMessage({
            channel: message.channel,
            text: message.text,
            ...(message.blocks ? { blocks: message.blocks as never } : {}),
            ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
            ...(message.as ? { username: message.as.username } : {}),
            ...(message.as?.iconUrl ? { icon_url: message.as.iconUrl } : message.as?.iconEmoji ? { icon_emoji: message.as.iconEmoji } : {}),
            ...(message.metadata ? { metadata: { event_type: message.metadata.eventType, event_payload: message.metadata.payload } } : {}),
            unfurl_links: false,
            unfurl_media: false,
          } as never),
        message.channel,
      );
      if (!r.ts) throw new BridgeError('Slack chat.postMessage answered without a ts', { code: 'slack_no_ts', retryable: true });
      return { ts: r.ts };
    },

    async updateMessage({ channel, ts, text, blocks }) {
      await call('chat.update', () => client.chat.update({ channel, ts, text, ...(blocks ? { blocks: blocks as never } : {}) }), channel);
    },

    async addReaction(channel, ts, name) {
      try {
        await call('reactions.add', () => client.reactions.add({ channel, timestamp: ts, name }));
      } catch (err) {
        if ((err as BridgeError).code !== 'slack_already_reacted') throw err;
      }
    },

    async removeReaction(channel, ts, name) {
      try {
        await call('reactions.remove', () => client.reactions.remove({ channel, timestamp: ts, name }));
      } catch (err) {
        if ((err as BridgeError).code !== 'slack_no_reaction') throw err;
      }
    },

    async permalink(channel, ts) {
      const r = await call('chat.getPermalink', () => client.chat.getPermalink({ channel, message_ts: ts }));
      if (!r.permalink) throw new BridgeError('Slack chat.getPermalink answered without a link', { code: 'slack_no_permalink', retryable: true });
      return r.permalink;
    },

    channelName(channelId) {
      let name = channelNames.get(channelId);
      if (!name) {
        name = call('conversations.info', () => client.conversations.info({ channel: channelId })).then((r) => r.channel?.name ?? channelId);
        name.catch(() => channelNames.delete(channelId));
        channelNames.set(channelId, name);
      }
      return name;
    },

    userName(userId) {
      let name = userNames.get(userId);
      if (!name) {
        name = call('users.info', () => client.users.info({ user: userId })).then(
          (r) => r.user?.profile?.display_name || r.user?.real_name || r.user?.name || userId,
        );
        // A failed look-up is not cached: the next message tries again.
        name.catch(() => userNames.delete(userId));
        userNames.set(userId, name);
      }
      return name;
    },

    async downloadFile(urlPrivate, maxBytes) {
      // Only to Slack's file hosts, redirects checked hop by hop, bounded by the timeout.
      return downloadSlackFile(urlPrivate, maxBytes, download);
    },

    async uploadFile(upload: FileUpload) {
      // Slack's current flow (files.upload was retired on 2025-11-12): reserve, send the bytes, complete.
      const reserved = await call('files.getUploadURLExternal', () =>
        client.files.getUploadURLExternal({ filename: upload.fileName, length: upload.length }),
      );
      if (!reserved.upload_url || !reserved.file_id) {
        throw new BridgeError('Slack files.getUploadURLExternal answered without an upload URL', { code: 'slack_upload_url', retryable: true });
      }
      let res: Response;
      try {
        res = await doFetch(reserved.upload_url, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(upload.length) },
          body: upload.data as never,
          duplex: 'half',
          signal: AbortSignal.timeout(transferTimeoutMs(timeoutMs, upload.length)),
        } as RequestInit);
      } catch (err) {
        throw new BridgeError(`uploading the file to Slack failed: ${(err as Error).message}`, { code: 'slack_upload_failed', retryable: true, cause: err });
      }
      if (!res.ok) {
        throw new BridgeError(`Slack upload URL answered HTTP ${res.status}`, { code: `slack_upload_http_${res.status}`, retryable: res.status >= 500 });
      }
      await call(
        'files.completeUploadExternal',
        () =>
          client.files.completeUploadExternal({
            files: [{ id: reserved.file_id!, title: upload.title ?? upload.fileName }],
            channel_id: upload.channel,
            thread_ts: upload.threadTs,
            ...(upload.initialComment ? { initial_comment: upload.initialComment } : {}),
          } as never),
        upload.channel,
      );
      return { fileId: reserved.file_id };
    },
  };
}
