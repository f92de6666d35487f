import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { proto, type BaileysEventMap, type WAMessage } from 'baileys';
import type { WebSocketLike } from '../../src/whatsapp/web/socket.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

export function fixtureJson<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as T;
}

/**
 * A recorded message as Baileys hands it to `messages.upsert`: the fixtures hold protobuf's
 * JSON form (bytes base64, 64-bit numbers as strings, enum names), which fromObject turns back
 * into the decoded message (Uint8Arrays, Longs, enum numbers). The key is Baileys' own object
 * (it carries fields, such as remoteJidAlt, that are not in the protobuf).
 */
export function fixtureMessage(name: string): WAMessage {
  const json = fixtureJson<WAMessage & { message: Record<string, unknown> }>(name);
  return { ...json, message: proto.Message.fromObject(json.message) };
}

export type Events = Partial<BaileysEventMap>;

/** A stand-in for Baileys' socket: events are pushed in with emit(); calls are recorded. */
export interface FakeSocket extends WebSocketLike {
  emit(events: Events): Promise<void>;
  ended: boolean;
  /** What went out on the wire, in order; `messageId` is the id the caller chose, when it did. */
  sent: { jid: string; content: unknown; messageId?: string }[];
  /**
   * The next sendMessage fails as Baileys' does when the socket goes away under it: `before-write`
   * with 428 before anything is written (sendRawMessage finds the socket closed), `after-write`
   * with 408 once the message is on the wire (the write's confirmation never came in time).
   */
  failNextSend: 'before-write' | 'after-write' | undefined;
  read: unknown[];
  pairingRequests: string[];
  user: { id: string } | undefined;
  /** Group jid → subject; groupMetadata answers other groups with a 404 (item-not-found). */
  subjects: Map<string, string>;
  /** Jid → picture URL; profilePictureUrl answers others with a 404 (item-not-found), as for no picture. */
  photos: Map<string, string>;
  /** The jids groupMetadata and profilePictureUrl were called with, in order. */
  lookups: { groupMetadata: string[]; profilePictureUrl: string[] };
}

export function fakeSocket(user?: string): FakeSocket {
  const handlers = new Set<(e: Events) => void | Promise<void>>();
  const sock: FakeSocket = {
    user: user ? { id: user } : undefined,
    ended: false,
    sent: [],
    failNextSend: undefined,
    read: [],
    pairingRequests: [],
    subjects: new Map(),
    photos: new Map(),
    lookups: { groupMetadata: [], profilePictureUrl: [] },
    ev: {
      process(handler) {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
    },
    async emit(events) {
      for (const h of handlers) await h(events);
    },
    end() {
      sock.ended = true;
    },
    async logout() {
      await sock.emit({ 'connection.update': { connection: 'close', lastDisconnect: { error: boom(401), date: new Date() } } });
    },
    async requestPairingCode(phone) {
      sock.pairingRequests.push(phone);
      return 'ABCD1234';
    },
    async sendMessage(jid, content, options) {
      const failure = sock.failNextSend;
      sock.failNextSend = undefined;
      if (failure === 'before-write') throw boom(428, 'Connection Closed');
      sock.sent.push({ jid, content, messageId: options?.messageId });
      if (failure === 'after-write') throw boom(408, 'Timed Out');
      // Baileys' generateWAMessage keys the message with options.messageId when given.
      return { key: { remoteJid: jid, fromMe: true, id: options?.messageId ?? `SENT${sock.sent.length}` } };
    },
    async readMessages(keys) {
      sock.read.push(...keys);
    },
    async updateMediaMessage(m) {
      return m;
    },
    async groupMetadata(jid) {
      sock.lookups.groupMetadata.push(jid);
      const subject = sock.subjects.get(jid);
      if (subject === undefined) throw waError(404, 'item-not-found');
      return { id: jid, subject };
    },
    async profilePictureUrl(jid) {
      sock.lookups.profilePictureUrl.push(jid);
      const url = sock.photos.get(jid);
      if (url === undefined) throw waError(404, 'item-not-found');
      return url;
    },
  };
  return sock;
}

/**
 * An error reply from WhatsApp as Baileys throws it (assertNodeErrorFree): the reply's code in
 * `data`, its text as the message, and a Boom status code of 500 whatever the code.
 */
export function waError(code: number, text: string): Error {
  return Object.assign(new Error(text), { isBoom: true, data: code, output: { statusCode: 500 } });
}

/** The shape of Baileys' Boom errors, as connection.update reports them. */
export function boom(statusCode: number, message = `status ${statusCode}`): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode } });
}

/** Lets queued promise chains run. */
export async function settle(times = 20): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setImmediate(r));
}
