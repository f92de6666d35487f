import type { BaileysEventMap, WAMessageKey } from 'baileys';
import type { InboundEnvelope } from '../../core/relay/inbound.js';
import type { Logger } from '../../logger.js';
import { isGroupJid, jidFor, userIdOf } from './jids.js';
import type { WebSocketLike } from './socket-factory.js';

export interface ProfileOptions {
  /** How long a batch of messages waits for group names and photos before it is recorded without them. */
  lookupTimeoutMs?: number;
  /** How long a photo URL or a group's name is used before it is asked for again (events refresh it sooner). */
  ttlMs?: number;
  now?: () => number;
}

export interface Profiles {
  /** Takes in what Baileys says about groups and pictures (new subjects, changed photos). */
  observe(events: Partial<BaileysEventMap>): void;
  /**
   * Adds the group's name, the chat's photo and, in a group, the sender's photo to freshly mapped
   * messages, from the cache or the socket, waiting at most `lookupTimeoutMs` for the socket.
   */
  enrich(s: WebSocketLike, items: { envelope: InboundEnvelope; key: WAMessageKey }[]): Promise<void>;
}

const LOOKUP_TIMEOUT_MS = 3_000;
const TTL_MS = 6 * 60 * 60_000;
/** After a failure other than a refusal (a timeout, a lost connection), ask again this much later. */
const RETRY_AFTER_MS = 60_000;
/**
 * WhatsApp's answers meaning "nothing to show you": 401 not-authorized (the contact's privacy
 * settings), 403 forbidden (a group we left), 404 item-not-found (no picture). Asking again soon
 * would get the same answer.
 */
const REFUSALS = new Set([401, 403, 404]);
const MAX_ENTRIES = 10_000;

/**
 * Names and photos the Slack card shows, which Baileys does not put on messages: a group's
 * subject, and profile picture URLs. Both are cached per chat (photos also per group member),
 * kept fresh by Baileys' events, and never hold a message up for more than a few seconds.
 */
export function createProfiles(log: Logger, opts: ProfileOptions = {}): Profiles {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.lookupTimeoutMs ?? LOOKUP_TIMEOUT_MS;
  const ttlMs = opts.ttlMs ?? TTL_MS;
  const failureTtl = (what: string, err: unknown) => {
    const code = errorCode(err);
    if (code !== undefined && REFUSALS.has(code)) return ttlMs;
    log.debug({ err: err instanceof Error ? err.message : String(err), code, what }, 'WhatsApp Web lookup failed; trying again later');
    return RETRY_AFTER_MS;
  };
  /** Group jid → subject. */
  const subjects = createLookupCache<string>(now, ttlMs, (err) => failureTtl('group subject', err));
  /** Bridge id (digits, `…@lid`, group jid) → picture URL. */
  const photos = createLookupCache<string>(now, ttlMs, (err) => failureTtl('profile picture', err));
  /** Other ids of a person (the LID when the number is known, and the reverse) → their bridge id. */
  const aliases = new Map<string, string>();

  function learnAliases(jid: string | null | undefined, alt: string | null | undefined) {
    const id = userIdOf(jid, alt);
    if (!id) return;
    for (const other of [userIdOf(jid), userIdOf(alt)]) {
      if (!other || other === id) continue;
      aliases.delete(other);
      aliases.set(other, id);
      if (aliases.size > MAX_ENTRIES) aliases.delete(aliases.keys().next().value!);
    }
  }

  function photoChanged(jid: string) {
    const id = isGroupJid(jid) ? jid : userIdOf(jid);
    if (!id) return;
    photos.invalidate(id);
    const known = aliases.get(id);
    if (known) photos.invalidate(known);
  }

  const subjectOf = (s: WebSocketLike, group: string) =>
    subjects.get(group, async () => (await s.groupMetadata(group)).subject?.trim() || undefined);
  const photoOf = (s: WebSocketLike, id: string) => photos.get(id, () => s.profilePictureUrl(jidFor(id), 'image'));

  return {
    observe(events) {
      for (const g of [...(events['groups.upsert'] ?? []), ...(events['groups.update'] ?? [])]) {
        if (!g.id) continue;
        const subject = typeof g.subject === 'string' ? g.subject.trim() : '';
        if (subject) subjects.set(g.id, subject);
        photoChanged(g.id);
      }
      for (const c of events['contacts.update'] ?? []) {
        // 'changed' or 'removed' when a picture notification came in; pushName updates carry none.
        if (c.id && c.imgUrl !== undefined) photoChanged(c.id);
      }
    },

    async enrich(s, items) {
      const lookups: Promise<void>[] = [];
      let waiting = true;
      // Results that come in after the deadline only fill the cache: the envelopes are on their way.
      const apply = <T>(p: Promise<T | undefined>, use: (value: T) => void) =>
        lookups.push(
          p.then((value) => {
            if (waiting && value !== undefined) use(value);
          }),
        );
      for (const { envelope, key } of items) {
        learnAliases(key.remoteJid, key.remoteJidAlt);
        learnAliases(key.participant, key.participantAlt);
        const { message, contact } = envelope;
        apply(photoOf(s, message.chatId), (url) => (contact.photoUrl = url));
        if (!isGroupJid(message.chatId)) continue;
        apply(subjectOf(s, message.chatId), (subject) => (contact.name = subject));
        // Our own messages are shown as sent from the phone, without a photo.
        if (!message.fromPhone) apply(photoOf(s, message.sender.waId), (url) => (message.sender.photoUrl = url));
      }
      if (lookups.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref?.();
      });
      await Promise.race([Promise.all(lookups), deadline]);
      waiting = false;
      clearTimeout(timer);
    },
  };
}

interface LookupCache<V> {
  /** The cached value, or the answer of `fetch` (shared with a fetch already under way), which is cached. */
  get(key: string, fetch: () => Promise<V | undefined>): Promise<V | undefined>;
  set(key: string, value: V | undefined, ttlMs?: number): void;
  /** Forgets the value, and the answer of any fetch under way, which may predate the change. */
  invalidate(key: string): void;
}

/**
 * A cache of answers that may be "none" (undefined), with fetches shared between callers. A
 * failed fetch is remembered as "none" for as long as `failureTtl` says, so a contact whose
 * picture is private is not asked for it again on every message.
 */
function createLookupCache<V>(now: () => number, ttlMs: number, failureTtl: (err: unknown) => number): LookupCache<V> {
  const entries = new Map<string, { value: V | undefined; expires: number }>();
  const pending = new Map<string, Promise<V | undefined>>();

  function set(key: string, value: V | undefined, ttl = ttlMs) {
    pending.delete(key);
    entries.delete(key);
    entries.set(key, { value, expires: now() + ttl });
    if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  }

  return {
    get(key, fetch) {
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return Promise.resolve(hit.value);
      const running = pending.get(key);
      if (running) return running;
      const settle = (value: V | undefined, ttl: number) => {
        // Invalidated (or set by an event) meanwhile: this answer may be out of date.
        if (pending.get(key) === p) set(key, value, ttl);
        return value;
      };
      const p: Promise<V | undefined> = (async () => fetch())().then(
        (value) => settle(value, ttlMs),
        (err: unknown) => settle(undefined, failureTtl(err)),
      );
      pending.set(key, p);
      return p;
    },
    set,
    invalidate(key) {
      entries.delete(key);
      pending.delete(key);
    },
  };
}

/**
 * WhatsApp's error code: Baileys puts an error reply's code in the Boom's `data` (its status code
 * stays 500); its own errors (timeouts, a closed connection) are Booms with a status code.
 */
function errorCode(err: unknown): number | undefined {
  const e = err as { data?: unknown; output?: { statusCode?: unknown } } | undefined;
  if (typeof e?.data === 'number') return e.data;
  const status = e?.output?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
