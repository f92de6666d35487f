/**
 * conversations.history and conversations.replies: what a bridge reads back to find its own
 * earlier posts (by message metadata) after a crash.
 */
import { findChannel, findMessage } from '../store.js';
import type { FakeMessage } from '../types.js';
import { bool, SlackApiError, str } from '../wire.js';
import type { MethodContext, MethodSpec } from './context.js';

const HISTORY_SCOPES = ['channels:history', 'groups:history'];

/** The message as the API returns it; metadata only with include_all_metadata (as Slack does). */
function view(m: FakeMessage, withMetadata: boolean): Record<string, unknown> {
  return {
    type: 'message',
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    text: m.text ?? '',
    user: m.user,
    ...(m.bot_id ? { bot_id: m.bot_id } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.files ? { files: m.files } : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}

function window(ctx: MethodContext): { oldest: number; latest: number; limit: number } {
  const oldest = Number(str(ctx.params, 'oldest') ?? '0');
  const latest = Number(str(ctx.params, 'latest') ?? `${Number.MAX_SAFE_INTEGER}`);
  const limit = Math.min(Number(str(ctx.params, 'limit') ?? '100'), 1000);
  if (!Number.isFinite(oldest) || !Number.isFinite(latest) || !Number.isFinite(limit)) throw new SlackApiError('invalid_arguments');
  return { oldest, latest, limit };
}

/** https://docs.slack.dev/reference/methods/conversations.history: top-level messages, newest first. */
function conversationsHistory(ctx: MethodContext): Record<string, unknown> {
  const channel = findChannel(ctx.state, str(ctx.params, 'channel'));
  const { oldest, latest, limit } = window(ctx);
  const all = ctx.state.messages
    .filter((m) => m.channel === channel.id && (m.thread_ts === undefined || m.thread_ts === m.ts))
    .filter((m) => Number(m.ts) > oldest && Number(m.ts) < latest)
    .sort((a, b) => Number(b.ts) - Number(a.ts));
  return { messages: all.slice(0, limit).map((m) => view(m, bool(ctx.params, 'include_all_metadata'))), has_more: all.length > limit };
}

/** https://docs.slack.dev/reference/methods/conversations.replies: the parent, then its replies, oldest first. */
function conversationsReplies(ctx: MethodContext): Record<string, unknown> {
  const channel = findChannel(ctx.state, str(ctx.params, 'channel'));
  const ts = str(ctx.params, 'ts');
  if (!ts) throw new SlackApiError('invalid_arguments');
  const parent = findMessage(ctx.state, channel.id, ts);
  if (!parent) throw new SlackApiError('thread_not_found');
  const { oldest, latest, limit } = window(ctx);
  const replies = ctx.state.messages
    .filter((m) => m.channel === channel.id && m.thread_ts === ts && m.ts !== ts)
    .filter((m) => Number(m.ts) > oldest && Number(m.ts) < latest)
    .sort((a, b) => Number(a.ts) - Number(b.ts));
  const withMetadata = bool(ctx.params, 'include_all_metadata');
  return { messages: [parent, ...replies.slice(0, limit)].map((m) => view(m, withMetadata)), has_more: replies.length > limit };
}

export const historyMethods: Record<string, MethodSpec> = {
  'conversations.history': { handler: conversationsHistory, scopes: HISTORY_SCOPES },
  'conversations.replies': { handler: conversationsReplies, scopes: HISTORY_SCOPES },
};
