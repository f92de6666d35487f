import type { AuthStorage } from '../core/store/auth-storage.js';
import type { WebConnectionDetail, WebConnectionOptions } from './web/socket.js';
import type { Config } from '../config.js';
import type { InboundMedia, WhatsAppSender } from '../core/ports.js';
import type { Logger } from '../logger.js';
import { httpReceiver, type Receiver } from '../receiver.js';
import type { CloudRoute } from '../routes-file.js';
import { createGraphClient } from './cloud/graph-client.js';
import { createCloudMedia } from './cloud/media.js';
import { createCloudSender, type CloudPacers } from './cloud/sender.js';
import { registerCloudWebhook } from './cloud/webhook-route.js';
import { createTemplateCatalogue } from './cloud/templates.js';
import type { TemplateCatalogue } from '../core/start/ports.js';
import { routeNamed } from '../core/routes.js';

/** The pairing of a WhatsApp Web session, for /admin and /readyz. */
export interface WebPairing {
  state(): 'connecting' | 'qr' | 'open' | 'closed' | 'logged_out';
  qr(): string | undefined;
  account(): string | undefined;
  requestPairingCode(phone: string): Promise<string>;
  /** Why it is in its state, for the operator console. */
  detail(): WebConnectionDetail;
  /** Logs the device out and forgets the session; a new QR code follows. */
  unlink(): Promise<void>;
}

/**
 * One WhatsApp number's transport: where inbound media comes from, how replies go out (with what
 * it can do: `sender.capabilities`). How its events come in is a Receiver of its own.
 */
export interface WhatsAppSide {
  media: InboundMedia;
  sender: WhatsAppSender;
  /** WhatsApp Web only: the pairing state for /admin and /readyz. */
  connection?: WebPairing;
  /** Cloud API with a WhatsApp Business Account id: the account's approved templates. */
  templates?: TemplateCatalogue;
}

/** Hooks into the WhatsApp Web connections: a fake socket and back-off for tests. */
export type WebHooks = Partial<Pick<WebConnectionOptions, 'socketFactory' | 'backoff'>> & {
  /** A session's state changed (e.g. logged out), with its route. */
  onState?(route: string, state: Parameters<NonNullable<WebConnectionOptions['onState']>>[0]): void;
};

/** Every route's transport, and the receivers that bring their events in. */
export interface WhatsAppRoutes {
  /** By route name, in the order of the routes. */
  sides: ReadonlyMap<string, WhatsAppSide>;
  /** One Cloud API webhook for every Cloud number (one app secret), one socket per WhatsApp Web session. */
  receivers: Receiver[];
  /** The route's transport; an unknown or absent route is the `default` route's, else the first one's. */
  side(route: string | undefined): WhatsAppSide;
}

/**
 * `storage`: where WhatsApp Web sessions are kept (`Store.auth`), one session per route. `pacers`:
 * the Cloud API senders' (keyed by phone number id, shared across instances on a shared store).
 * The WhatsApp Web side is imported only when a route uses it: Baileys and its protocol buffers
 * cost a Cloud API deployment tens of MiB of memory it would never use.
 */
export async function createWhatsAppRoutes(config: Config, logger: Logger, storage: AuthStorage, web: WebHooks = {}, pacers: CloudPacers = {}): Promise<WhatsAppRoutes> {
  const sides = new Map<string, WhatsAppSide>();
  const receivers: Receiver[] = [];
  const cloudNumbers = new Map<string, string>();
  for (const route of config.routes) {
    if (route.whatsapp.transport === 'cloud') {
      sides.set(route.name, createCloudSide(config, route.whatsapp, pacers));
      cloudNumbers.set(route.whatsapp.phoneNumberId, route.name);
      continue;
    }
    const { createWebSide } = await import('./web/side.js');
    const side = createWebSide({ config, logger: logger.child({ route: route.name }), storage, route: route.name, connection: { ...web, session: route.whatsapp.session, onState: (state) => web.onState?.(route.name, state) } });
    sides.set(route.name, side);
    receivers.push(side);
  }
  if (cloudNumbers.size > 0) receivers.unshift(cloudWebhook(config, logger, cloudNumbers));
  return { sides, receivers, side: (route) => sides.get(routeNamed(config.routes, route).name)! };
}

function createCloudSide(config: Config, number: CloudRoute, pacers: CloudPacers): WhatsAppSide {
  const graph = createGraphClient({ baseUrl: config.WHATSAPP_GRAPH_URL, token: number.token, phoneNumberId: number.phoneNumberId, timeoutMs: config.WHATSAPP_TIMEOUT_MS });
  return {
    media: createCloudMedia(graph),
    sender: createCloudSender(graph, { phoneNumberId: number.phoneNumberId, ...pacers }),
    ...(number.businessAccountId ? { templates: createTemplateCatalogue(graph, number.businessAccountId) } : {}),
  };
}

/** POST /webhooks/whatsapp for every Cloud number (one app secret): each change is marked with its number's route. */
function cloudWebhook(config: Config, logger: Logger, routes: ReadonlyMap<string, string>): Receiver {
  return httpReceiver(({ server, intake, metrics }) =>
    registerCloudWebhook(server, { appSecret: config.WHATSAPP_APP_SECRET!, verifyToken: config.WHATSAPP_VERIFY_TOKEN!, routes, intake, logger, metrics }),
  );
}
