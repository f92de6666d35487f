import { WEB_CAPABILITIES } from '../capabilities.js';
import type { Config } from '../../config.js';
import { BridgeError } from '../../core/errors.js';
import type { WhatsAppSender } from '../../core/ports.js';
import type { Intake } from '../../intake.js';
import type { Logger } from '../../logger.js';
import type { AuthStorage } from '../../core/store/auth-storage.js';
import type { WhatsAppSide } from '../transport.js';
import type { Receiver } from '../../receiver.js';
import { jidFor } from './jids.js';
import { createWebMedia, type MediaDownloader } from './media.js';
import { mediaContent } from './outbound.js';
import { createWebConnection, type WebConnection, type WebConnectionOptions, type WebSocketLike } from './socket.js';

export { webConnectedGauge, webReadiness } from './health.js';

export interface WebSideOptions {
  config: Pick<Config, 'MEDIA_MAX_BYTES'>;
  logger: Logger;
  /** Where the WhatsApp Web session is kept (`Store.auth`). */
  storage: AuthStorage;
  /** Overrides for the connection (a fake socket in tests; QR and state callbacks for the admin page). */
  connection?: Partial<Omit<WebConnectionOptions, 'storage' | 'logger' | 'onMessages'>>;
  /** Baileys' downloadMediaMessage unless a test replaces it. */
  download?: MediaDownloader;
  /** The route this session is the number of (ROUTES_FILE): its messages and statuses are marked with it. */
  route?: string;
}

/** The WhatsApp Web side, with its connection for the admin page, /readyz and shutdown. */
export interface WebSide extends WhatsAppSide, Receiver {
  connection: WebConnection;
}

/**
 * WhatsApp over a linked device (Baileys), behind the same ports as the Cloud API. Messages
 * arrive over the socket instead of a webhook and go through the same intake, so they are
 * recorded and queued exactly like Cloud webhooks.
 */
export function createWebSide(opts: WebSideOptions): WebSide {
  const log = opts.logger.child({ component: 'whatsapp-web' });
  let intake: Intake | undefined;
  const connection = createWebConnection({
    ...opts.connection,
    storage: opts.storage,
    logger: opts.logger,
    async onMessages(messages, statuses) {
      if (!intake) throw new Error('WhatsApp Web messages arrived before the intake was registered');
      const route = opts.route;
      const r = await intake.recordWhatsApp(
        route ? { messages: messages.map((m) => ({ ...m, route })), statuses: statuses.map((st) => ({ ...st, route })) } : { messages, statuses },
      );
      log.debug({ queued: r.queued, duplicates: r.duplicates }, 'WhatsApp Web batch recorded');
    },
  });
  return {
    connection,
    media: createWebMedia({ connection, logger: opts.logger, download: opts.download }),
    sender: createWebSender(connection, opts.config.MEDIA_MAX_BYTES),
    init(ctx) {
      // Nothing to route: messages come over the socket. They need the intake, so the
      // connection starts (start()) only after this.
      intake = ctx.intake;
    },
    async start() {
      if (!intake) throw new Error('initialise the WhatsApp Web side before starting it');
      await connection.start();
    },
    stop: () => connection.stop(),
  };
}

export function createWebSender(connection: WebConnection, maxBytes: number): WhatsAppSender {
  const open = (): WebSocketLike => {
    const sock = connection.socket();
    if (!sock || connection.state() !== 'open') {
      throw new BridgeError(`WhatsApp Web is not connected (${connection.state()})`, { code: 'wa_web_not_connected', retryable: true });
    }
    return sock;
  };
  const jid = (to: string) => {
    try {
      return jidFor(to);
    } catch (cause) {
      throw new BridgeError('not a WhatsApp chat id', { code: 'wa_web_bad_recipient', retryable: false, cause });
    }
  };
  async function send(to: string, content: Parameters<WebSocketLike['sendMessage']>[1]): Promise<{ id: string }> {
    const target = jid(to);
    const sock = open();
    let sent;
    try {
      sent = await sock.sendMessage(target, content);
    } catch (err) {
      throw sendError(err);
    }
    // Without a key we cannot tell whether it went out; retrying could send it twice.
    if (!sent?.key.id) throw new BridgeError('WhatsApp Web returned no message id', { code: 'wa_web_send_failed', retryable: false });
    return { id: sent.key.id };
  }
  /** Our own message, for an edit or a deletion. */
  const ownKey = (to: string, messageId: string) => ({ remoteJid: jid(to), id: messageId, fromMe: true });

  return {
    capabilities: WEB_CAPABILITIES,
    sendText: (to, body) => send(to, { text: body }),
    async sendMedia(to, media) {
      return send(to, await mediaContent(media, maxBytes));
    },
    sendReaction(to, messageId, emoji) {
      // In a group the reaction must name the message's author, which only the original key knows.
      const key = connection.inboundKey(messageId) ?? { remoteJid: jid(to), id: messageId, fromMe: false };
      return send(to, { react: { text: emoji, key } });
    },
    sendTemplate: () =>
      Promise.reject(new BridgeError('WhatsApp Web has no message templates', { code: 'templates_unsupported', retryable: false })),
    async markRead(messageId) {
      // Only recent messages can be marked: the key needs the chat, which the id alone does not say.
      const key = connection.inboundKey(messageId);
      if (!key) return;
      try {
        await open().readMessages([key]);
      } catch (err) {
        throw sendError(err);
      }
    },
    editText: (to, messageId, body) => send(to, { text: body, edit: ownKey(to, messageId) }),
    deleteMessage: (to, messageId) => send(to, { delete: ownKey(to, messageId) }),
  };
}

/** Boom status codes Baileys uses when the socket went away under a send. */
const CONNECTION_LOST = new Set([408, 428, 440, 503, 515]);

function sendError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  const status = (err as { output?: { statusCode?: number } }).output?.statusCode;
  const message = err instanceof Error ? err.message : String(err);
  if (status !== undefined && CONNECTION_LOST.has(status)) {
    return new BridgeError(`WhatsApp Web connection lost: ${message}`, { code: 'wa_web_not_connected', retryable: true, cause: err });
  }
  // A 4xx is WhatsApp refusing this message (bad recipient, not allowed): sending again will not help.
  const retryable = status === undefined || status >= 500;
  return new BridgeError(`WhatsApp Web send failed: ${message}`, { code: 'wa_web_send_failed', retryable, cause: err });
}
