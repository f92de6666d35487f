/**
 * The external upload flow, and files.upload's tombstone.
 *
 * 1. files.getUploadURLExternal(filename, length) → {upload_url, file_id}
 * 2. POST the bytes (raw, or multipart form) to upload_url → HTTP 200 (see server.ts)
 * 3. files.completeUploadExternal(files=[{id,title}], channel_id, thread_ts, initial_comment)
 *    shares the files; with a channel this posts a message carrying them.
 */
import type { FileRef } from '../types.js';
import { botMessage, identity, newFile, placeInThread, postableChannel } from '../store.js';
import { invalidArguments, jsonArg, SlackApiError, str } from '../wire.js';
import { messageContent } from './chat.js';
import type { MethodContext, MethodSpec } from './context.js';

/**
 * https://docs.slack.dev/reference/methods/files.getUploadURLExternal
 * Required: `filename`, `length` (bytes). `missing_argument` "typically only occurs when the
 * length provided is 0". Form-encoded only: live Slack answers a JSON body with
 * `invalid_arguments` ("missing required field: filename/length") even when both are present
 * (Octember/earshot#10), and the fake does the same.
 */
function getUploadURLExternal({ params, state, baseUrl, bodyKind }: MethodContext): Record<string, unknown> {
  if (bodyKind === 'json') throw invalidArguments('missing required field: filename', 'missing required field: length');
  const filename = str(params, 'filename');
  const lengthArg = str(params, 'length');
  const missing = [filename === undefined ? 'filename' : undefined, lengthArg === undefined ? 'length' : undefined];
  const problems = missing.filter((m): m is string => m !== undefined).map((m) => `missing required field: ${m}`);
  if (problems.length > 0) throw invalidArguments(...problems);
  const length = Number(lengthArg);
  if (!Number.isInteger(length) || length < 0) throw invalidArguments('length must be an integer');
  if (length === 0) throw new SlackApiError('missing_argument');
  const altTxt = str(params, 'alt_txt') ?? str(params, 'alt_text');
  if (altTxt !== undefined && altTxt.length > 1000) throw new SlackApiError('alt_txt_too_large');
  const file = newFile(state, baseUrl, { name: filename ?? 'file', length });
  file.alt_txt = altTxt;
  file.snippet_type = str(params, 'snippet_type');
  file.uploadUrl = `${baseUrl}/upload/v1/${file.id}-${Math.random().toString(36).slice(2, 12)}`;
  return { upload_url: file.uploadUrl, file_id: file.id };
}

/**
 * https://docs.slack.dev/reference/methods/files.completeUploadExternal
 * `files` is required (JSON array of `{id, title?}`); each file must have been uploaded
 * (`file_not_found`: "Could not find the file from the upload ticket"). Without `channel_id`
 * the files stay private and nothing is posted. `blocks` is ignored when `initial_comment` is
 * given. `thread_ts` follows chat.postMessage's rules. The identity overrides work as in
 * chat.postMessage (https://docs.slack.dev/reference/scopes/chat.write.customize).
 * Answer: `{ok, files:[{id, title}]}`, the shape of the documented example. Real Slack shares
 * asynchronously (the message appears a moment later); the fake posts at once.
 */
function completeUploadExternal({ params, state, settings }: MethodContext): Record<string, unknown> {
  const list = jsonArg(params, 'files', 'invalid_arguments');
  if (!Array.isArray(list) || list.length === 0) throw invalidArguments('missing required field: files');
  const entries = list.map((entry) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof e.id !== 'string') throw invalidArguments('missing required field: id');
    const file = state.files.get(e.id);
    if (!file?.uploaded) throw new SlackApiError('file_not_found');
    return { file, title: typeof e.title === 'string' && e.title !== '' ? e.title : undefined };
  });

  const channelRef = str(params, 'channel_id') ?? str(params, 'channels');
  if (channelRef?.includes(',')) throw new SlackApiError('invalid_arguments');
  const channel = channelRef === undefined ? undefined : postableChannel(state, channelRef);
  const threadTs = str(params, 'thread_ts');
  if (threadTs !== undefined && channel === undefined) throw invalidArguments('thread_ts requires channel_id');
  const place = channel ? placeInThread(state, channel.id, threadTs, settings.threadTsPolicy) : undefined;
  const comment = str(params, 'initial_comment');
  const content =
    channel && (comment !== undefined || params.blocks !== undefined)
      ? messageContent({ text: comment, blocks: params.blocks }, settings, comment !== undefined)
      : { text: undefined, blocks: undefined, truncated: false };

  for (const { file, title } of entries) {
    if (title !== undefined) file.title = title;
    file.completed = true;
    if (channel && !file.channels.includes(channel.id)) file.channels.push(channel.id);
  }
  if (channel && place) {
    const who = identity(state, {
      username: str(params, 'username'),
      icon_url: str(params, 'icon_url'),
      icon_emoji: str(params, 'icon_emoji'),
    });
    const refs: FileRef[] = entries.map(({ file }) => ({
      id: file.id,
      name: file.name,
      title: file.title,
      mimetype: file.mimetype,
      size: file.bytes?.length ?? file.length,
      url_private: file.url_private,
    }));
    state.messages.push(
      botMessage(state, settings.tsBase, { channel: channel.id, place, content, who }, { files: refs }),
    );
  }
  return { files: entries.map(({ file }) => ({ id: file.id, title: file.title })) };
}

/**
 * https://docs.slack.dev/reference/methods/files.upload — sunset on 2025-11-12
 * (https://docs.slack.dev/changelog/2024-04-a-better-way-to-upload-files-is-here-to-stay).
 */
function filesUpload(): Record<string, unknown> {
  throw new SlackApiError('method_deprecated');
}

export const fileMethods: Record<string, MethodSpec> = {
  'files.getUploadURLExternal': { handler: getUploadURLExternal, scopes: ['files:write'] },
  'files.completeUploadExternal': { handler: completeUploadExternal, scopes: ['files:write'] },
  'files.upload': { handler: filesUpload, scopes: ['files:write'] },
};
