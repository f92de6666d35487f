import type { AnyMessageContent } from 'baileys';
import { MediaTooLargeError } from '../../core/errors.js';
import type { OutboundMedia } from '../../core/ports.js';

/** What WhatsApp plays as a voice note: Ogg with Opus, with this exact type. */
const VOICE_NOTE_MIMETYPE = 'audio/ogg; codecs=opus';

/**
 * A file from Slack as Baileys message content. Baileys encrypts and uploads a Buffer, so the
 * stream is collected first, bounded by the media limit.
 */
export async function mediaContent(media: OutboundMedia, maxBytes: number): Promise<AnyMessageContent> {
  const data = await collect(media.data, maxBytes);
  const caption = media.caption || undefined;
  switch (media.kind) {
    case 'image':
      return { image: data, mimetype: media.mimeType, caption };
    case 'video':
      return { video: data, mimetype: media.mimeType, caption };
    case 'audio':
      // The relay sends Ogg as audio only when it is Opus (a converted Slack clip or an .opus
      // file): that is a voice note. Any other audio goes as a plain audio file.
      return isOgg(media.mimeType) ? { audio: data, mimetype: VOICE_NOTE_MIMETYPE, ptt: true } : { audio: data, mimetype: media.mimeType };
    case 'sticker':
      return { sticker: data, mimetype: media.mimeType };
    case 'document':
      return { document: data, mimetype: media.mimeType, fileName: media.fileName, caption };
  }
}

const isOgg = (mimeType: string) => /^audio\/ogg\s*(;|$)/i.test(mimeType.trim());

async function collect(data: AsyncIterable<Uint8Array> | Uint8Array, maxBytes: number): Promise<Buffer> {
  if (data instanceof Uint8Array) {
    if (data.byteLength > maxBytes) throw new MediaTooLargeError(maxBytes, data.byteLength);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of data) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new MediaTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
