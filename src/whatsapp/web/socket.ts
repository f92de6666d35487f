import { DisconnectReason, type AuthenticationCreds, type BaileysEventMap, type WAMessageKey } from 'baileys';
import { retryDelayMs } from '../../core/backoff.js';
import type { StatusUpdate } from '../../core/model.js';
import type { InboundEnvelope } from '../../core/relay/inbound.js';
import type { Logger } from '../../logger.js';
import type { AuthStorage } from '../../core/store/auth-storage.js';
import { useStoreAuthState, type StoreAuthState } from './auth-state.js';
import { createInboundBatcher } from './inbound-batch.js';
import { userIdOf } from './jids.js';
import { createProfiles, type ProfileOptions } from './profiles.js';
import { baileysSocketFactory, quietLogger, type SocketFactory, type WebSocketLike } from './socket-factory.js';

export type { SocketFactory, WebSocketLike } from './socket-factory.js';

export type WebConnectionState = 'connecting' | 'qr' | 'open' | 'closed' | 'logged_out';

/** Why the connection is where it is, for the operator console (no account or personal data). */
export interface WebConnectionDetail {
  state: WebConnectionState;
  /** When the connection entered this state (epoch ms). */
  since: number;
  /** Reconnect attempts since the last open connection (0 while open). */
  attempt: number;
  /** The last time the socket closed: Baileys' status code and wording. */
  lastDisconnect?: { code?: number; reason?: string; at: number };
  /** A device is linked (paired credentials are stored). */
  paired: boolean;
}

export interface WebConnectionOptions {
  /** Where the session is kept (`Store.auth`). */
  storage: AuthStorage;
  logger: Logger;
  onQr?(qr: string): void;
  onState?(state: WebConnectionState): void;
  /** Must make the batch durable: Baileys has acknowledged these messages and will not send them again. */
  onMessages(envelopes: InboundEnvelope[], statuses: StatusUpdate[]): Promise<unknown> | void;
  socketFactory?: SocketFactory;
  /** Delay before reconnect attempt `attempt` (1-based), and between delivery retries. */
  backoff?: (attempt: number) => number;
  /** The session's auth state; defaults to one kept in `storage`. */
  auth?: () => Promise<StoreAuthState>;
  session?: string;
  /** How long requestPairingCode waits for the socket to be ready for pairing. */
  pairingWaitMs?: number;
  /** Group names and profile photos: how long to wait for them and to keep them. */
  profiles?: ProfileOptions;
}

export interface WebConnection {
  /** Connects (and keeps reconnecting) in the background; never throws. */
  start(): Promise<void>;
  /** Closes the socket, keeping the session, once the messages in hand are delivered. */
  stop(): Promise<void>;
  /** Unlinks this device from the phone and forgets the session. */
  logout(): Promise<void>;
  /** Unlinks and forgets the session, then connects afresh so a new QR code appears. */
  unlink(): Promise<void>;
  detail(): WebConnectionDetail;
  state(): WebConnectionState;
  /** The QR code to scan while waiting for pairing (state 'qr'); rotates every ~20 s. */
  qr(): string | undefined;
  /** The linked account once paired: "+<number> (<push name>)". */
  account(): string | undefined;
  /** An 8-character code to type on the phone (Linked devices → Link with phone number) instead of scanning the QR. */
  requestPairingCode(phone: string): Promise<string>;
  /** The live socket, while there is one. */
  socket(): WebSocketLike | undefined;
  /** Digits of the linked number, once paired. */
  businessNumber(): string | undefined;
  /** The key of a recent inbound message (to mark it read or react to it in a group). */
  inboundKey(messageId: string): WAMessageKey | undefined;
}

const DELIVERY_ATTEMPTS = 6;
const defaultBackoff = (attempt: number) => retryDelayMs(attempt, undefined, Math.random, { baseMs: 1_000, capMs: 60_000 });

export function createWebConnection(opts: WebConnectionOptions): WebConnection {
  const log = opts.logger.child({ component: 'whatsapp-web' });
  const baileysLogger = quietLogger(opts.logger);
  const factory = opts.socketFactory ?? baileysSocketFactory;
  const backoff = opts.backoff ?? defaultBackoff;
  const loadAuth = opts.auth ?? (() => useStoreAuthState(opts.storage, opts.session));
  let auth: StoreAuthState | undefined;
  let sock: WebSocketLike | undefined;
  let unsubscribe: (() => void) | undefined;
  let current: WebConnectionState = 'closed';
  let since = Date.now();
  let lastDisconnect: WebConnectionDetail['lastDisconnect'];
  let lastQr: string | undefined;
  let running = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  // Connection events in order; deliveries in order, apart, so a slow store never delays a reconnect.
  let control: Promise<void> = Promise.resolve();
  let deliveries: Promise<void> = Promise.resolve();
  const batcher = createInboundBatcher(log, createProfiles(log, opts.profiles));
  const listeners = new Set<() => void>();

  const setState = (next: WebConnectionState) => {
    if (next === current) return;
    current = next;
    since = Date.now();
    // A QR from before is useless once the state moved on (paired, closed, logged out).
    if (next !== 'qr') lastQr = undefined;
    opts.onState?.(next);
    for (const l of listeners) l();
  };
  const businessNumber = () => userIdOf(sock?.user?.id) ?? userIdOf(auth?.state.creds.me?.id);

  async function connect(): Promise<void> {
    auth ??= await loadAuth();
    const s = factory({ auth: auth.state, logger: baileysLogger });
    sock = s;
    setState('connecting');
    unsubscribe = s.ev.process((events) => {
      control = control.then(() => onEvents(s, events)).catch((err: unknown) => log.error({ err }, 'WhatsApp Web event handling failed'));
    });
  }

  function reconnectLater(delayMs: number) {
    setState('connecting');
    timer = setTimeout(() => {
      timer = undefined;
      if (!running) return;
      connect().catch((err: unknown) => {
        log.error({ err }, 'WhatsApp Web could not connect');
        reconnectLater(backoff(++attempt));
      });
    }, delayMs);
    timer.unref?.();
  }

  async function onEvents(s: WebSocketLike, events: Partial<BaileysEventMap>) {
    const creds = events['creds.update'];
    if (creds && auth && s === sock) {
      Object.assign(auth.state.creds, creds);
      await auth.saveCreds();
    }
    const batch = await batcher.collect(s, events, userIdOf(s.user?.id) ?? businessNumber() ?? '');
    if (batch.envelopes.length > 0 || batch.statuses.length > 0) {
      deliveries = deliveries.then(() => deliver(batch.envelopes, batch.statuses));
    }
    const update = events['connection.update'];
    if (update && s === sock) await onConnection(update);
  }

  async function deliver(envelopes: InboundEnvelope[], statuses: StatusUpdate[]) {
    for (let i = 1; ; i++) {
      try {
        await opts.onMessages(envelopes, statuses);
        return;
      } catch (err) {
        const ids = envelopes.map((e) => e.message.id);
        if (i >= DELIVERY_ATTEMPTS) {
          log.error({ err, ids, statuses: statuses.length }, 'WhatsApp Web messages could not be recorded and are lost');
          return;
        }
        log.warn({ err, attempt: i }, 'recording WhatsApp Web messages failed; retrying');
        await new Promise((r) => setTimeout(r, backoff(i)));
      }
    }
  }

  async function onConnection(update: Partial<BaileysEventMap['connection.update']>) {
    if (update.qr) {
      lastQr = update.qr;
      setState('qr');
      // Off the event chain: loading qrcode for the first QR must not hold back the events after it.
      void printQr(update.qr);
      opts.onQr?.(update.qr);
    }
    if (update.connection === 'open') {
      attempt = 0;
      setState('open');
      log.info('WhatsApp Web connected');
    } else if (update.connection === 'close') {
      await onClose(update.lastDisconnect?.error);
    }
  }

  async function onClose(error: Error | undefined) {
    const code = statusCodeOf(error);
    lastDisconnect = { code, reason: error?.message.slice(0, 200), at: Date.now() };
    unsubscribe?.();
    unsubscribe = undefined;
    sock = undefined;
    if (!running) return setState('closed');
    if (code === DisconnectReason.loggedOut) {
      running = false;
      log.warn('WhatsApp Web was unlinked (logged out on the phone); the session is cleared, pair again to reconnect');
      await auth?.clear();
      return setState('logged_out');
    }
    if (code === DisconnectReason.connectionReplaced) {
      // Reconnecting would take the session back from the other client, which would do the same.
      running = false;
      log.error('another WhatsApp Web client opened this session (a second instance on the same database?); not reconnecting');
      return setState('closed');
    }
    // 515 comes right after pairing: WhatsApp wants a fresh connection with the new credentials.
    const delayMs = code === DisconnectReason.restartRequired ? 0 : backoff(++attempt);
    // The reason is Baileys' wording (a stream error, a network error), without personal data.
    log[attempt > 1 ? 'warn' : 'info']({ code, reason: error?.message, attempt, delayMs }, 'WhatsApp Web connection closed; reconnecting');
    reconnectLater(delayMs);
  }

  async function printQr(qr: string) {
    try {
      // Loaded when a QR is first shown: a paired deployment never needs it.
      const { default: QRCode } = await import('qrcode');
      const art = await QRCode.toString(qr, { type: 'terminal', small: true });
      // Paired (or shown a newer QR) meanwhile: this one no longer links anything.
      if (lastQr !== qr) return;
      log.info(`WhatsApp Web is not paired: scan this QR code in WhatsApp → Linked devices → Link a device\n${art}`);
    } catch (err) {
      log.warn({ err }, 'could not draw the pairing QR code');
    }
  }

  const waitForState = (wanted: WebConnectionState, ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (current === wanted) return resolve();
      const done = () => {
        if (current !== wanted) return;
        listeners.delete(done);
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        listeners.delete(done);
        reject(new Error(`WhatsApp Web did not become ready for pairing (state: ${current})`));
      }, ms);
      listeners.add(done);
    });

  async function start() {
    if (running) return;
    running = true;
    attempt = 0;
    try {
      await connect();
    } catch (err) {
      log.error({ err }, 'WhatsApp Web could not connect');
      reconnectLater(backoff(++attempt));
    }
  }

  async function stop() {
    running = false;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const s = sock;
    sock = undefined;
    unsubscribe?.();
    unsubscribe = undefined;
    if (s) await Promise.resolve(s.end(undefined)).catch(() => undefined);
    await control;
    await deliveries;
    setState('closed');
  }

  async function logout() {
    const s = current === 'open' ? sock : undefined;
    if (s) {
      // The close that follows (401) clears the session and reports logged_out.
      await s.logout();
      return;
    }
    await stop();
    auth ??= await loadAuth();
    await auth.clear();
    setState('logged_out');
  }

  return {
    start,
    stop,
    logout,
    async unlink() {
      // Not running: the close the logout causes is not reconnected, and the session is cleared here, once.
      running = false;
      const s = current === 'open' ? sock : undefined;
      // WhatsApp may not confirm (the phone is offline): the session is forgotten here either way.
      if (s) await s.logout().catch((err: unknown) => log.warn({ err }, 'WhatsApp did not confirm the unlink; forgetting the session anyway'));
      await stop();
      auth ??= await loadAuth();
      await auth.clear();
      setState('logged_out');
      await start();
    },
    detail: () => ({ state: current, since, attempt, lastDisconnect, paired: Boolean(auth && isPaired(auth.state.creds)) }),
    state: () => current,
    qr: () => (current === 'qr' ? lastQr : undefined),
    account() {
      const number = businessNumber();
      if (!number || !auth || !isPaired(auth.state.creds)) return undefined;
      const name = auth.state.creds.me?.name?.trim();
      // "~" is Baileys' placeholder while a pairing code is pending.
      return name && name !== '~' ? `+${number} (${name})` : `+${number}`;
    },
    async requestPairingCode(phone) {
      const digits = phone.replace(/\D/g, '');
      if (digits.length < 7) throw new Error('a phone number with its country code is needed');
      if (current === 'open' || (auth && isPaired(auth.state.creds))) throw new Error('WhatsApp Web is already paired');
      if (!running) await start();
      await waitForState('qr', opts.pairingWaitMs ?? 30_000);
      if (!sock) throw new Error('WhatsApp Web closed before pairing');
      return sock.requestPairingCode(digits);
    },
    socket: () => sock,
    businessNumber,
    inboundKey: batcher.inboundKey,
  };
}

/**
 * Paired once WhatsApp signed this device's identity. Not `creds.registered`, which Baileys sets
 * only in the pairing-code flow, nor `creds.me`, which requesting a code fills in beforehand.
 */
const isPaired = (creds: AuthenticationCreds) => Boolean(creds.account && creds.me?.id);

function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
