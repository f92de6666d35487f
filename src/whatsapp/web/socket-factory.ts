import {
  makeCacheableSignalKeyStore,
  makeWASocket,
  type AnyMessageContent,
  type AuthenticationState,
  type BaileysEventMap,
  type GroupMetadata,
  type SocketConfig,
  type WAMessage,
  type WAMessageKey,
} from 'baileys';
import type { Logger } from '../../logger.js';

/** The part of Baileys' socket the bridge uses; tests pass a fake through the factory. */
export interface WebSocketLike {
  ev: { process(handler: (events: Partial<BaileysEventMap>) => void | Promise<void>): () => void };
  /** Our own account once paired (`id` is the phone number jid). */
  readonly user?: { id: string; lid?: string } | undefined;
  end(error: Error | undefined): unknown;
  logout(msg?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  /** `messageId`: the id the message goes out under (Baileys makes one when it is absent). */
  sendMessage(jid: string, content: AnyMessageContent, options?: { messageId?: string }): Promise<WAMessage | undefined>;
  readMessages(keys: WAMessageKey[]): Promise<void>;
  /** Asks the sender's phone to upload a media file again once the CDN copy has expired. */
  updateMediaMessage(message: WAMessage): Promise<WAMessage>;
  /** A group's metadata; the bridge wants its subject (name). */
  groupMetadata(jid: string): Promise<Pick<GroupMetadata, 'id' | 'subject'>>;
  /**
   * The URL of a person's or a group's picture (`'image'`: full size, `'preview'`: a thumbnail);
   * undefined or a 401/404 Boom (`data`) when there is none or it is not shown to us.
   */
  profilePictureUrl(jid: string, type?: 'preview' | 'image', timeoutMs?: number): Promise<string | undefined>;
  signalRepository?: { lidMapping?: { getPNForLID(lid: string): Promise<string | null> } };
}

/** Baileys does not export its logger interface by name. */
export type BaileysLogger = SocketConfig['logger'];

export type SocketFactory = (options: { auth: AuthenticationState; logger: BaileysLogger }) => WebSocketLike;

export const baileysSocketFactory: SocketFactory = ({ auth, logger }) =>
  makeWASocket({
    // Keys are read on every message; the cache keeps that off the database (it writes through).
    auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
    logger,
    // Agents may still use the phone: an "online" web client would silence its notifications.
    markOnlineOnConnect: false,
    // Past conversations are not relayed; recent history still brings LID → number mappings.
    syncFullHistory: false,
    // Our own sends would come back as "messages from the phone".
    emitOwnEvents: false,
  });

const WARN = 40;

/**
 * Baileys logs every frame, with message contents, at debug and trace: it gets a child logger
 * at warn or quieter whatever LOG_LEVEL says.
 */
export function quietLogger(logger: Logger): BaileysLogger {
  const level = logger.levelVal > WARN ? logger.level : 'warn';
  return logger.child({ component: 'baileys' }, { level });
}
