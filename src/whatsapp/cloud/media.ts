import { isBridgeError, MediaTooLargeError } from '../../core/errors.js';
import type { InboundMedia, MediaDownload } from '../../core/ports.js';
import type { GraphClient } from './graph-client.js';

/**
 * Inbound media from the Cloud API, streamed from Graph into whatever consumes it. Slack needs
 * the length before an upload starts; when Graph does not say it, the file is held in memory
 * (never on disk), bounded by the limit.
 */
export function createCloudMedia(graph: GraphClient): InboundMedia {
  return {
    async download(mediaId, maxBytes): Promise<MediaDownload> {
      let media;
      try {
        media = await graph.downloadMedia(mediaId, { maxBytes });
      } catch (err) {
        if (isBridgeError(err) && err.code === 'media_too_large') throw new MediaTooLargeError(maxBytes, sizeFrom(err.message));
        throw err;
      }
      const data = media.stream as unknown as AsyncIterable<Uint8Array>;
      if (media.size !== undefined) return { mimeType: media.mimeType, size: media.size, fileName: media.fileName, data };
      const chunks: Uint8Array[] = [];
      let size = 0;
      try {
        for await (const chunk of data) {
          size += chunk.byteLength;
          chunks.push(chunk);
        }
      } catch (err) {
        if (isBridgeError(err) && err.code === 'media_too_large') throw new MediaTooLargeError(maxBytes);
        throw err;
      }
      return { mimeType: media.mimeType, size, fileName: media.fileName, data: Buffer.concat(chunks) };
    },
  };
}

function sizeFrom(message: string): number | undefined {
  const m = /media is (\d+) bytes/.exec(message);
  return m ? Number(m[1]) : undefined;
}
