import { CLOUD_CAPABILITIES } from '../capabilities.js';
import { isBridgeError } from '../../core/errors.js';
import type { OutboundMedia, SendOptions, WhatsAppSender } from '../../core/ports.js';
import { createPacer, type Pacer } from '../../pacer.js';
import { PAIR_RATE_DEFAULT_MS, type GraphClient, type OutboundMessage } from './graph-client.js';
import { BSUID_SHAPE } from './payload.js';

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
 * How long the business number is held after a throttling answer (130429, 4, 17, 80007) that says
 * no Retry-After: throughput is counted per second, so a short hold, then the queue's back-off.
 */
export const NUMBER_PAUSE_DEFAULT_MS = 2_000;

export interface CloudSenderOptions {
  phoneNumberId: string;
  /** Paces every call per business number (key: the phone number id). */
  pacer?: Pacer;
  /** Paces sends per business number and recipient (key: `<phone number id>:<recipient>`). */
  pairPacer?: Pacer;
}
export type CloudPacers = Pick<CloudSenderOptions, 'pacer' | 'pairPacer'>;

/**
 * Replies over the Cloud API. Sends are paced per business number and per recipient; rate-limit
 * answers (130429 and the other throttling codes, 131056) pause the number or the recipient here
 * and come back as retryable BridgeErrors with a Retry-After, so the queue backs off too.
 */
export function createCloudSender(graph: GraphClient, opts: CloudSenderOptions): WhatsAppSender {
  const number = opts.phoneNumberId;
  const pacer = opts.pacer ?? createPacer({ perSecond: CLOUD_MESSAGES_PER_SECOND, burst: CLOUD_MESSAGES_PER_SECOND });
  const pairPacer = opts.pairPacer ?? createPacer({ perSecond: PAIR_MESSAGES_PER_SECOND, burst: PAIR_BURST });
  /**
   * A throttling answer holds the whole number (or the one recipient, for the pair limit) for its
   * Retry-After, so calls that have not left yet wait it out instead of going into the window.
   */
  const observed = async <T>(to: string | undefined, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (isBridgeError(err) && err.code === 'rate_limited') pacer.pause(number, err.retryAfterMs ?? NUMBER_PAUSE_DEFAULT_MS);
      if (isBridgeError(err) && err.code === 'rate_limited_pair' && to) pairPacer.pause(`${number}:${to}`, err.retryAfterMs ?? PAIR_RATE_DEFAULT_MS);
      throw err;
    }
  };
  const paced = async <T>(to: string | undefined, fn: () => Promise<T>): Promise<T> => {
    // The buckets pace; holding their locks across the HTTP call would serialise all sends.
    if (to) (await pairPacer.acquire(`${number}:${to}`))();
    (await pacer.acquire(number))();
    return observed(to, fn);
  };
  const send = (to: string, body: Omit<OutboundMessage, 'to' | 'recipient'>, opts?: SendOptions) => {
    // Echoed in the message's status webhooks: a status can then settle a send whose answer was lost.
    const withRef = { ...addressTo(to), ...body, ...(opts?.ref ? { biz_opaque_callback_data: opts.ref.slice(0, MAX_CALLBACK_DATA) } : {}) };
    return paced(to, () => graph.sendMessage(withRef)).then((r) => ({ id: r.wamid }));
  };

  return {
    capabilities: CLOUD_CAPABILITIES,
    sendText: (to, body, opts) => send(to, { type: 'text', text: { body, preview_url: true } }, opts),
    async sendMedia(to, media: OutboundMedia, opts) {
      const input =
        media.data instanceof Uint8Array
          ? { bytes: media.data, mimeType: media.mimeType, fileName: media.fileName }
          : { stream: media.data, mimeType: media.mimeType, fileName: media.fileName };
      const id = await observed(undefined, () => graph.uploadMedia(input));
      const object: Record<string, string> = { id };
      if (media.caption && media.kind !== 'audio' && media.kind !== 'sticker') object.caption = media.caption;
      if (media.kind === 'document') object.filename = media.fileName;
      return send(to, { type: media.kind, [media.kind]: object }, opts);
    },
    sendReaction: (to, messageId, emoji) => send(to, { type: 'reaction', reaction: { message_id: messageId, emoji } }),
    sendTemplate: (to, name, language, opts) => {
      // Messages API, template messages: one `body` component with a text parameter per variable.
      const params = opts?.bodyParams ?? [];
      const components = params.length > 0 ? [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }] : undefined;
      return send(to, { type: 'template', template: { name, language: { code: language }, ...(components ? { components } : {}) } }, opts);
    },
    markRead: (messageId) => paced(undefined, () => graph.markRead(messageId)),
  };
}

/**
 * A conversation keyed by a BSUID (the person's number is withheld) is written to through
 * `recipient`; a number goes in `to`, as Meta recommends whenever the number is known.
 */
export function addressTo(id: string): Pick<OutboundMessage, 'to' | 'recipient'> {
  return BSUID_SHAPE.test(id) ? { recipient: id } : { to: id };
}
