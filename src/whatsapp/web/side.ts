import type { Config } from '../../config.js';
import type { Intake } from '../../intake.js';
import type { Logger } from '../../logger.js';
import type { AuthStorage } from '../../core/store/auth-storage.js';
import type { WhatsAppSide } from '../transport.js';
import type { Receiver } from '../../receiver.js';
import { createWebMedia, type MediaDownloader } from './media.js';
import { createWebSender } from './sender.js';
import { createWebConnection, type WebConnection, type WebConnectionOptions } from './socket.js';

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
