import type { OutboundMedia, SendOptions, WhatsAppSender } from '../../core/ports.js';
import { createPacer, type Pacer } from '../../pacer.js';
import type { GraphClient } from './graph-client.js';

/** Cloud API throughput per business number (messages per second; Meta's default tier). */
export const CLOUD_MESSAGES_PER_SECOND = 80;
/**
 * Pair rate limit (error 131056): one business number may send one user about one message every
 * 6 seconds, with bursts (Meta's throughput docs, "pair rate limit"). A long reply in parts fits in
 * the burst; a storm to one person is spread out here instead of being refused there.
 */
export const PAIR_MESSAGES_PER_SECOND = 1 / 6;
export const PAIR_BURST = 45;
/** Graph's limit on `biz_opaque_callback_data`. */
const MAX_CALLBACK_DATA = 512;

/**
 * Replies over the Cloud API. Sends are paced per business number; rate-limit answers (130429,
 * 131056) come back as retryable BridgeErrors with a Retry-After, so the queue backs off.
 */
export function createCloudSender(graph: GraphClient, opts: { phoneNumberId: string; pacer?: Pacer; pairPacer?: Pacer }): WhatsAppSender {
  const pacer = opts.pacer ?? createPacer({ perSecond: CLOUD_MESSAGES_PER_SECOND, burst: CLOUD_MESSAGES_PER_SECOND });
  const pairPacer = opts.pairPacer ?? createPacer({ perSecond: PAIR_MESSAGES_PER_SECOND, burst: PAIR_BURST });
  const paced = async <T>(to: string, fn: () => Promise<T>): Promise<T> => {
    // The buckets pace; holding their locks across the HTTP call would serialise all sends.
    (await pairPacer.acquire(to))();
    (await pacer.acquire(opts.phoneNumberId))();
    return fn();
  };
  const send = (body: Parameters<GraphClient['sendMessage']>[0], opts?: SendOptions) => {
    // Echoed in the message's status webhooks: a status can then settle a send whose answer was lost.
    const withRef = opts?.ref ? { ...body, biz_opaque_callback_data: opts.ref.slice(0, MAX_CALLBACK_DATA) } : body;
    return paced(body.to, () => graph.sendMessage(withRef)).then((r) => ({ id: r.wamid }));
  };

  return {
    hasServiceWindow: true,
    canEditAndDelete: false,
    sendText: (to, body, opts) => send({ to, type: 'text', text: { body, preview_url: true } }, opts),
    async sendMedia(to, media: OutboundMedia, opts) {
      const input =
        media.data instanceof Uint8Array
          ? { bytes: media.data, mimeType: media.mimeType, fileName: media.fileName }
          : { stream: media.data, mimeType: media.mimeType, fileName: media.fileName };
      const id = await graph.uploadMedia(input);
      const object: Record<string, string> = { id };
      if (media.caption && media.kind !== 'audio' && media.kind !== 'sticker') object.caption = media.caption;
      if (media.kind === 'document') object.filename = media.fileName;
      return send({ to, type: media.kind, [media.kind]: object }, opts);
    },
    sendReaction: (to, messageId, emoji) => send({ to, type: 'reaction', reaction: { message_id: messageId, emoji } }),
    sendTemplate: (to, name, language, opts) => send({ to, type: 'template', template: { name, language: { code: language } } }, opts),
    markRead: (messageId) => graph.markRead(messageId),
  };
}
