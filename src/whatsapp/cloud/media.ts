import { MediaTooLargeError } from '../../core/errors.js';
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
      // The client raises MediaTooLargeError itself, with the size when Graph states it.
      const media = await graph.downloadMedia(mediaId, { maxBytes });
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
        // Past the limit mid-stream: the size seen so far is not the file's, so report none.
        if (err instanceof MediaTooLargeError) throw new MediaTooLargeError(maxBytes);
        throw err;
      }
      return { mimeType: media.mimeType, size, fileName: media.fileName, data: Buffer.concat(chunks) };
    },
  };
}

