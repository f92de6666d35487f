/**
 * chat.postMessage, chat.postEphemeral, chat.update, chat.getPermalink.
 */
import { checkBlocks, LIMITS } from '../blocks.js';
import { botMessage, findChannel, findMessage, identity, messageView, nextTs, placeInThread, postableChannel } from '../store.js';
import { bool, jsonArg, SlackApiError, str, type Params } from '../wire.js';
import type { MethodContext, MethodSpec, Settings } from './context.js';

interface Content {
  text: string | undefined;
  blocks: unknown[] | undefined;
  truncated: boolean;
}

/** `text` or `blocks` required (`no_text`); blocks within Block Kit limits; text ≤ 40,000. */
export function messageContent(params: Params, settings: Settings, ignoreBlocks = false): Content {
  let text = typeof params.text === 'string' ? params.text : str(params, 'text');
  const rawBlocks = ignoreBlocks ? undefined : jsonArg(params, 'blocks', 'invalid_blocks_format');
  const blocks = rawBlocks === undefined ? undefined : checkBlocks(rawBlocks, settings.maxBlocksTextChars);
  if ((text === undefined || text === '') && (blocks === undefined || blocks.length === 0)) {
    throw new SlackApiError('no_text');
  }
  let truncated = false;
  if (text !== undefined && text.length > LIMITS.messageText) {
    if (settings.longText === 'reject') throw new SlackApiError('msg_too_long');
    text = text.slice(0, LIMITS.messageText);
    truncated = true;
  }
  return { text: text === '' ? undefined : text, blocks, truncated };
}

/** `metadata` is `{event_type, event_payload}` (https://docs.slack.dev/messaging/message-metadata). */
function metadataArg(params: Params): unknown {
  const value = jsonArg(params, 'metadata', 'invalid_metadata_format');
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SlackApiError('invalid_metadata_format');
  const m = value as Record<string, unknown>;
  if (typeof m.event_type !== 'string' || typeof m.event_payload !== 'object' || m.event_payload === null) {
    throw new SlackApiError('invalid_metadata_schema');
  }
  return value;
}

/**
 * https://docs.slack.dev/reference/methods/chat.postMessage
 * Answer: `{ok, channel, ts, message}`. Errors enforced: channel_not_found, not_in_channel,
 * is_archived, no_text, invalid_blocks(_format), msg_blocks_too_long, msg_too_long,
 * invalid_thread_ts / thread_not_found, invalid_metadata_format.
 */
function postMessage({ params, state, settings }: MethodContext): Record<string, unknown> {
  const channel = postableChannel(state, str(params, 'channel'));
  const content = messageContent(params, settings);
  const place = placeInThread(state, channel.id, str(params, 'thread_ts'), settings.threadTsPolicy);
  const metadata = metadataArg(params);
  const who = identity(state, {
    username: str(params, 'username'),
    icon_url: str(params, 'icon_url'),
    icon_emoji: str(params, 'icon_emoji'),
  });
  const message = botMessage(
    state,
    settings.tsBase,
    { channel: channel.id, place, content, who },
    { metadata, reply_broadcast: place.threadTs !== undefined && bool(params, 'reply_broadcast') },
  );
  state.messages.push(message);
  return { channel: channel.id, ts: message.ts, message: messageView(state, message) };
}

/**
 * https://docs.slack.dev/reference/methods/chat.postEphemeral
 * Answer: `{ok, message_ts}`. The message is shown to `user` only, is not in the channel's history
 * and cannot be updated. Errors enforced: channel_not_found, not_in_channel, is_archived, no_text,
 * msg_too_long, invalid_blocks, user_not_in_channel (the user is not a member of the channel).
 */
function postEphemeral({ params, state, settings }: MethodContext): Record<string, unknown> {
  const channel = postableChannel(state, str(params, 'channel'));
  const user = str(params, 'user');
  if (!user) throw new SlackApiError('user_not_found');
  if (channel.members && !channel.members.has(user)) throw new SlackApiError('user_not_in_channel');
  const content = messageContent(params, { ...settings, longText: 'reject' });
  const ts = nextTs(state, settings.tsBase);
  state.ephemerals.push({ channel: channel.id, user, text: content.text, blocks: content.blocks, threadTs: str(params, 'thread_ts'), ts });
  return { message_ts: ts };
}

/**
 * https://docs.slack.dev/reference/methods/chat.update
 * Answer: `{ok, channel, ts, text, message}`. message_not_found for an unknown ts,
 * cant_update_message for a message the bot did not post: a person's, or another app's (only the app
 * that posted a message may edit it). Identity overrides do not apply.
 */
function update({ params, state, settings, now }: MethodContext): Record<string, unknown> {
  const channel = findChannel(state, str(params, 'channel'));
  const message = findMessage(state, channel.id, str(params, 'ts'));
  if (!message) throw new SlackApiError('message_not_found');
  if (message.user !== state.botUserId || message.bot_id !== state.botId) throw new SlackApiError('cant_update_message');
  const content = messageContent(params, settings);
  const metadata = metadataArg(params);
  message.edits.push({
    at: now,
    text: content.text,
    blocks: content.blocks,
    previous: { text: message.text, blocks: message.blocks },
  });
  message.text = content.text;
  message.blocks = content.blocks;
  message.truncated = content.truncated;
  if (metadata !== undefined) message.metadata = metadata;
  return { channel: channel.id, ts: message.ts, text: message.text ?? '', message: messageView(state, message) };
}

/**
 * https://docs.slack.dev/reference/methods/chat.getPermalink
 * `https://<domain>.slack.com/archives/<C>/p<ts without dot>`, plus `?thread_ts=&cid=` for replies.
 */
function getPermalink({ params, state }: MethodContext): Record<string, unknown> {
  const channel = findChannel(state, str(params, 'channel'));
  const message = findMessage(state, channel.id, str(params, 'message_ts'));
  if (!message) throw new SlackApiError('message_not_found');
  let permalink = `https://${state.teamDomain}.slack.com/archives/${channel.id}/p${message.ts.replace('.', '')}`;
  if (message.thread_ts) permalink += `?thread_ts=${message.thread_ts}&cid=${channel.id}`;
  return { channel: channel.id, permalink };
}

export const chatMethods: Record<string, MethodSpec> = {
  'chat.postMessage': { handler: postMessage, scopes: ['chat:write'] },
  'chat.postEphemeral': { handler: postEphemeral, scopes: ['chat:write'] },
  'chat.update': { handler: update, scopes: ['chat:write'] },
  'chat.getPermalink': { handler: getPermalink, scopes: [] },
};
