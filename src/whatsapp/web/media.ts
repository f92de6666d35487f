import { downloadMediaMessage } from 'baileys';
import { BridgeError, MediaTooLargeError } from '../../core/errors.js';
import type { InboundMedia, MediaDownload } from '../../core/ports.js';
import type { Logger } from '../../logger.js';
import { decodeMediaHandle } from './media-handle.js';
import { quietLogger } from './socket-factory.js';
import type { WebConnection } from './socket.js';

export type MediaDownloader = (...args: Parameters<typeof downloadMediaMessage<'stream'>>) => Promise<AsyncIterable<Uint8Array>>;

/**
 * Inbound media over WhatsApp Web: fetched from WhatsApp's CDN and decrypted as it streams.
 * When the CDN copy has expired, Baileys asks the sender's phone to upload it again, which
 * needs the socket; without one the download is tried as it is.
 */
export function createWebMedia(opts: { connection: WebConnection; logger: Logger; download?: MediaDownloader }): InboundMedia {
  const download: MediaDownloader = opts.download ?? ((msg, type, options, ctx) => downloadMediaMessage(msg, type, options, ctx));
  const logger = quietLogger(opts.logger);
  return {
    async download(handle, maxBytes): Promise<MediaDownload> {
      const media = decodeMediaHandle(handle);
      if (media.size !== undefined && media.size > maxBytes) throw new MediaTooLargeError(maxBytes, media.size);
      const sock = opts.connection.state() === 'open' ? opts.connection.socket() : undefined;
      const ctx = sock ? { reuploadRequest: (m: Parameters<typeof sock.updateMediaMessage>[0]) => sock.updateMediaMessage(m), logger } : undefined;
      let stream: AsyncIterable<Uint8Array>;
      try {
        stream = await download(media.message, 'stream', {}, ctx);
      } catch (err) {
        // Baileys 7 rc14 only re-uploads on an error with a `status`, but its own fetch errors
        // carry the code in `output.statusCode`: ask for the re-upload here.
        if (!sock || !isGone(err)) throw downloadError(err);
        try {
          stream = await download(await sock.updateMediaMessage(media.message), 'stream', {}, ctx);
        } catch (again) {
          throw downloadError(again);
        }
      }
      const mimeType = media.mimeType ?? 'application/octet-stream';
      const data = bounded(stream, maxBytes);
      // WhatsApp states the decrypted size: Slack gets it up front and the file streams through.
      if (media.size !== undefined) return { mimeType, size: media.size, fileName: media.fileName, data };
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of data) {
        size += chunk.byteLength;
        chunks.push(chunk);
      }
      return { mimeType, size, fileName: media.fileName, data: Buffer.concat(chunks) };
    },
  };
}

async function* bounded(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncIterable<Uint8Array> {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    // Leaving the loop by throwing ends (destroys) the download stream too.
    if (size > maxBytes) throw new MediaTooLargeError(maxBytes);
    yield chunk;
  }
}

function statusOf(err: unknown): number | undefined {
  const e = err as { status?: number; output?: { statusCode?: number } } | undefined;
  return e?.status ?? e?.output?.statusCode;
}

/** The CDN no longer has the file (WhatsApp keeps media there for a few weeks). */
const isGone = (err: unknown) => statusOf(err) === 404 || statusOf(err) === 410;

function downloadError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (isGone(err)) {
    return new BridgeError(`the media file is no longer on WhatsApp's servers: ${message}`, { code: 'media_expired', retryable: false, cause: err });
  }
  return new BridgeError(`WhatsApp Web media download failed: ${message}`, { code: 'wa_web_media_failed', retryable: true, cause: err });
}
