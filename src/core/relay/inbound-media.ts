import { isBridgeError, MediaTooLargeError } from '../errors.js';
import { messages } from '../format/i18n.js';
import { describeContent } from '../format/whatsapp-content.js';
import type { InboundMessage, MediaContent } from '../model.js';
import type { ContactRecord } from '../ports.js';
import type { InboundDeps, ThreadKit } from './inbound.js';

/**
 * A photo, video, voice note, document or sticker: the caption as the sender's post, then the file
 * streamed from WhatsApp into the thread (or a notice saying why it could not be).
 */
export async function relayMedia(message: InboundMessage, content: MediaContent, contact: ContactRecord, deps: InboundDeps, kit: ThreadKit): Promise<void> {
  const postInThread = kit.post;
  const m = messages(deps.locale);
  const key = `upload:${message.id}`;
  if (await deps.effects.get(key)) return;
  const description = describeContent(content, deps.locale);
  const channel = contact.slackChannel ?? deps.channel;
  const threadTs = contact.cardTs!;
  const fileName = content.fileName ?? defaultFileName(content, content.mimeType);
  // An attempt that crashed after Slack took the file but before recording it: find the file
  // (before downloading anything) instead of uploading it a second time.
  if (deps.retrySince !== undefined) {
    const earlier = await deps.chat.findUploaded({ channel, threadTs, fileName, since: deps.retrySince });
    if (earlier) {
      await postInThread(message, description, contact, threadTs, deps);
      return deps.effects.put(key, earlier);
    }
  }
  let download;
  try {
    download = await deps.media.download(content.mediaId, deps.mediaMaxBytes);
  } catch (err) {
    if (isBridgeError(err) && err.code === 'media_too_large') {
      const size = err instanceof MediaTooLargeError ? err.size : undefined;
      const notice = m.mediaTooLarge({ size, limit: deps.mediaMaxBytes });
      return postInThread(message, `${description}\n:warning: ${notice}`, contact, threadTs, deps);
    }
    if (isBridgeError(err) && err.retryable) throw err;
    return postInThread(message, `${description}\n:warning: ${m.mediaFetchFailed}`, contact, threadTs, deps);
  }
  // The caption goes out as the contact's own post (so reactions and quotes find it by the message
  // id), the file right after it; uploaded files are shared by Slack asynchronously, without a ts.
  await postInThread(message, description, contact, threadTs, deps);
  const { fileId } = await deps.chat.uploadFile({
    channel,
    threadTs,
    fileName,
    title: content.fileName ?? m.mediaKind(content.mediaKind),
    length: download.size,
    data: download.data,
  });
  await deps.effects.put(key, fileId);
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
};

function defaultFileName(content: MediaContent, mimeType: string): string {
  const ext = EXTENSIONS[mimeType.split(';')[0]!.trim()] ?? 'bin';
  return `${content.mediaKind}-${content.mediaId}.${ext}`;
}
