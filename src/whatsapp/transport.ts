import type { AuthStorage } from '../core/store/auth-storage.js';
import type { WebConnectionDetail, WebConnectionOptions } from './web/socket.js';
import type { Config } from '../config.js';
import type { InboundMedia, WhatsAppSender } from '../core/ports.js';
import type { Receiver } from '../receiver.js';
import type { Logger } from '../logger.js';
import { createGraphClient } from './cloud/graph-client.js';
import { createCloudMedia } from './cloud/media.js';
import { createCloudSender, type CloudPacers } from './cloud/sender.js';
import { registerCloudWebhook } from './cloud/webhook-route.js';
import { createTemplateCatalogue } from './cloud/templates.js';
import type { TemplateCatalogue } from '../core/start/ports.js';

/**
 * One WhatsApp transport: where inbound media comes from, how replies go out (with what it can do:
 * `sender.capabilities`), and how its events come in (the receiver lifecycle).
 */
export interface WhatsAppSide extends Receiver {
  media: InboundMedia;
  sender: WhatsAppSender;
  /** WhatsApp Web only: the pairing state for /admin and /readyz. */
  connection?: {
    state(): 'connecting' | 'qr' | 'open' | 'closed' | 'logged_out';
    qr(): string | undefined;
    account(): string | undefined;
    requestPairingCode(phone: string): Promise<string>;
    /** Why it is in its state, for the operator console. */
    detail(): WebConnectionDetail;
    /** Logs the device out and forgets the session; a new QR code follows. */
    unlink(): Promise<void>;
  };
  /** Cloud API with WHATSAPP_BUSINESS_ACCOUNT_ID: the account's approved templates. */
  templates?: TemplateCatalogue;
}

/** Hooks into the WhatsApp Web connection: state changes for the app, a fake socket for tests. */
export type WebHooks = Partial<Pick<WebConnectionOptions, 'onState' | 'socketFactory' | 'backoff'>>;

/**
 * `storage`: where a WhatsApp Web session is kept (`Store.auth`). `pacers`: the Cloud API sender's
 * (shared across instances on a shared store, see src/pacing.ts).
 * The WhatsApp Web side is imported only when configured: Baileys and its protocol buffers cost a
 * Cloud API deployment tens of MiB of memory it would never use.
 */
export async function createWhatsAppSide(config: Config, logger: Logger, storage: AuthStorage, web: WebHooks = {}, pacers: CloudPacers = {}): Promise<WhatsAppSide> {
  if (config.WHATSAPP_TRANSPORT === 'cloud') {
    const graph = createGraphClient({
      baseUrl: config.WHATSAPP_GRAPH_URL,
      token: config.WHATSAPP_TOKEN!,
      phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID!,
      timeoutMs: config.WHATSAPP_TIMEOUT_MS,
    });
    return {
      media: createCloudMedia(graph),
      sender: createCloudSender(graph, { phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID!, ...pacers }),
      ...(config.WHATSAPP_BUSINESS_ACCOUNT_ID ? { templates: createTemplateCatalogue(graph, config.WHATSAPP_BUSINESS_ACCOUNT_ID) } : {}),
      start: async () => undefined,
      stop: async () => undefined,
      init({ server, intake, metrics }) {
        registerCloudWebhook(server, {
          appSecret: config.WHATSAPP_APP_SECRET!,
          verifyToken: config.WHATSAPP_VERIFY_TOKEN!,
          phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID,
          intake,
          logger,
          metrics,
        });
      },
    };
  }
  const { createWebSide } = await import('./web/side.js');
  return createWebSide({ config, logger, storage, connection: web });
}
