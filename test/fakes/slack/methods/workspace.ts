/**
 * auth.test, reactions.*, conversations.*, users.info.
 */
import { findChannel, findMessage } from '../store.js';
import type { ChannelState, FakeSlackState } from '../types.js';
import { bool, SlackApiError, str } from '../wire.js';
import type { MethodContext, MethodSpec } from './context.js';

/**
 * https://docs.slack.dev/reference/methods/auth.test
 * `{ok, url, team, user, team_id, user_id, bot_id, is_enterprise_install}`; the granted scopes
 * travel in the `x-oauth-scopes` response header (the server adds it to every authed answer).
 */
function authTest({ state }: MethodContext): Record<string, unknown> {
  return {
    url: `https://${state.teamDomain}.slack.com/`,
    team: state.teamName,
    user: state.botName,
    team_id: state.teamId,
    user_id: state.botUserId,
    bot_id: state.botId,
    is_enterprise_install: false,
  };
}

function reactionTarget({ params, state }: MethodContext) {
  const name = str(params, 'name')?.replace(/^:|:$/g, '');
  const ts = str(params, 'timestamp');
  if (str(params, 'channel') === undefined || ts === undefined) throw new SlackApiError('no_item_specified');
  const channel = findChannel(state, str(params, 'channel'));
  if (!name) throw new SlackApiError('invalid_name');
  const message = findMessage(state, channel.id, ts);
  if (!message) throw new SlackApiError('message_not_found');
  return { name, message };
}

/** https://docs.slack.dev/reference/methods/reactions.add — `already_reacted` on a repeat. */
function reactionsAdd(ctx: MethodContext): Record<string, unknown> {
  const { name, message } = reactionTarget(ctx);
  const me = ctx.state.botUserId;
  const existing = message.reactions.find((r) => r.name === name);
  if (existing?.users.includes(me)) throw new SlackApiError('already_reacted');
  if (existing) {
    existing.users.push(me);
    existing.count += 1;
  } else {
    message.reactions.push({ name, users: [me], count: 1 });
  }
  return {};
}

/** https://docs.slack.dev/reference/methods/reactions.remove — `no_reaction` when the bot had not reacted. */
function reactionsRemove(ctx: MethodContext): Record<string, unknown> {
  const { name, message } = reactionTarget(ctx);
  const me = ctx.state.botUserId;
  const existing = message.reactions.find((r) => r.name === name);
  if (!existing?.users.includes(me)) throw new SlackApiError('no_reaction');
  existing.users = existing.users.filter((u) => u !== me);
  existing.count -= 1;
  if (existing.count === 0) message.reactions = message.reactions.filter((r) => r !== existing);
  return {};
}

function channelView(state: FakeSlackState, c: ChannelState): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: !c.isPrivate,
    is_group: c.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: c.isPrivate,
    is_archived: c.isArchived,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: c.isMember,
    created: c.created,
    creator: state.botUserId,
    context_team_id: state.teamId,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    previous_names: [],
  };
}

/** https://docs.slack.dev/reference/methods/conversations.info */
function conversationsInfo({ params, state }: MethodContext): Record<string, unknown> {
  return { channel: channelView(state, findChannel(state, str(params, 'channel'))) };
}

const encodeCursor = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64');
function decodeCursor(cursor: string): number {
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m?.[1]) throw new SlackApiError('invalid_cursor');
  return Number(m[1]);
}

/**
 * https://docs.slack.dev/reference/methods/conversations.list — `types` defaults to
 * public_channel; private channels are listed only when the bot is in them. Cursor pagination:
 * `response_metadata.next_cursor` is '' on the last page. `limit` defaults to 100, max 1000.
 */
function conversationsList({ params, state }: MethodContext): Record<string, unknown> {
  const types = new Set((str(params, 'types') ?? 'public_channel').split(',').map((t) => t.trim()));
  const limitArg = str(params, 'limit');
  const limit = limitArg === undefined ? 100 : Number(limitArg);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new SlackApiError('invalid_limit');
  const cursor = str(params, 'cursor');
  const offset = cursor === undefined ? 0 : decodeCursor(cursor);
  const all = [...state.channels.values()].filter(
    (c) =>
      ((types.has('public_channel') && !c.isPrivate) || (types.has('private_channel') && c.isPrivate && c.isMember)) &&
      !(c.isArchived && bool(params, 'exclude_archived')),
  );
  const page = all.slice(offset, offset + limit);
  const next = offset + limit < all.length ? encodeCursor(offset + limit) : '';
  return { channels: page.map((c) => channelView(state, c)), response_metadata: { next_cursor: next } };
}

/**
 * https://docs.slack.dev/reference/methods/conversations.join — public channels only
 * (`method_not_supported_for_channel_type` for private ones); joining again answers ok with the
 * `already_in_channel` warning.
 */
function conversationsJoin({ params, state }: MethodContext): Record<string, unknown> {
  const channel = findChannel(state, str(params, 'channel'));
  if (channel.isPrivate) throw new SlackApiError('method_not_supported_for_channel_type');
  if (channel.isArchived) throw new SlackApiError('is_archived');
  const already = channel.isMember;
  channel.isMember = true;
  const answer: Record<string, unknown> = { channel: channelView(state, channel) };
  if (already) {
    answer.warning = 'already_in_channel';
    answer.response_metadata = { warnings: ['already_in_channel'] };
  }
  return answer;
}

/**
 * https://docs.slack.dev/reference/methods/users.info — `user_not_found` for unknown ids;
 * `profile.email` only when the token has `users:read.email`.
 */
function usersInfo({ params, state }: MethodContext): Record<string, unknown> {
  const id = str(params, 'user');
  const u = id === undefined ? undefined : state.users.get(id);
  if (!u) throw new SlackApiError('user_not_found');
  const realName = u.realName ?? u.name;
  return {
    user: {
      id: u.id,
      team_id: state.teamId,
      name: u.name,
      real_name: realName,
      deleted: u.deleted ?? false,
      is_bot: u.isBot ?? false,
      is_app_user: false,
      profile: {
        real_name: realName,
        display_name: u.displayName ?? '',
        real_name_normalized: realName,
        display_name_normalized: u.displayName ?? '',
        image_48: `https://avatars.example.invalid/${u.id}_48.png`,
        team: state.teamId,
        ...(u.email && state.scopes.has('users:read.email') ? { email: u.email } : {}),
      },
    },
  };
}

export const workspaceMethods: Record<string, MethodSpec> = {
  'auth.test': { handler: authTest, scopes: [] },
  'reactions.add': { handler: reactionsAdd, scopes: ['reactions:write'] },
  'reactions.remove': { handler: reactionsRemove, scopes: ['reactions:write'] },
  'conversations.info': { handler: conversationsInfo, scopes: ['channels:read', 'groups:read'] },
  'conversations.list': { handler: conversationsList, scopes: ['channels:read', 'groups:read'] },
  'conversations.join': { handler: conversationsJoin, scopes: ['channels:join'] },
  'users.info': { handler: usersInfo, scopes: ['users:read'] },
};
