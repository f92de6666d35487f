import { isStatusUpgrade, type DeliveryStatus } from '../../core/model.js';
import { DEFAULT_ROUTE } from '../../core/routes.js';
import type { ContactRecord, ContactStore, EffectLog, MessageLink, MessageMap } from '../../core/ports.js';

type StoredContact = ContactRecord & { createdAt: number; updatedAt: number };

/** Contacts on a Map, with the SQL upsert's rules (what an update does not say is kept; the card is never touched). */
export interface MemoryContacts extends ContactStore {
  createdAt(chatId: string): number | undefined;
  /** Every contact with when it was last updated (the console's directory reads them). */
  all(): Array<ContactRecord & { updatedAt: number }>;
}

export function createMemoryContacts(now: () => number): MemoryContacts {
  const rows = new Map<string, StoredContact>();
  const out = (r: StoredContact | undefined): ContactRecord | undefined => {
    if (!r) return undefined;
    const { createdAt: _createdAt, updatedAt: _updatedAt, ...contact } = r;
    return structuredClone(contact);
  };
  return {
    createdAt: (chatId) => rows.get(chatId)?.createdAt,
    all: () => [...rows.values()].map((r) => ({ ...out(r)!, updatedAt: r.updatedAt })),
    async get(chatId) {
      return out(rows.get(chatId));
    },
    async upsert(c) {
      const before = rows.get(c.chatId);
      const kept = <K extends 'name' | 'username' | 'bsuid' | 'photoUrl' | 'businessNumber' | 'lastInboundAt'>(k: K) => c[k] ?? before?.[k];
      const row: StoredContact = {
        chatId: c.chatId,
        route: before?.route ?? c.route ?? DEFAULT_ROUTE,
        transport: c.transport,
        waId: c.waId,
        phone: c.phone,
        isGroup: c.isGroup,
        name: kept('name'),
        username: kept('username'),
        bsuid: kept('bsuid'),
        photoUrl: kept('photoUrl'),
        businessNumber: kept('businessNumber'),
        lastInboundAt: kept('lastInboundAt'),
        slackChannel: before?.slackChannel,
        cardTs: before?.cardTs,
        createdAt: before?.createdAt ?? now(),
        updatedAt: now(),
      };
      rows.set(c.chatId, dropUndefined(row));
      return out(rows.get(c.chatId))!;
    },
    async setCard(chatId, slackChannel, cardTs) {
      // As the unique index on (slack_channel, card_ts): one card never belongs to two contacts.
      const holder = [...rows.values()].find((o) => o.slackChannel === slackChannel && o.cardTs === cardTs);
      if (holder && holder.chatId !== chatId) throw new Error(`the card ${slackChannel}/${cardTs} belongs to another contact`);
      const r = rows.get(chatId);
      if (r) rows.set(chatId, { ...r, slackChannel, cardTs, updatedAt: now() });
    },
    async findByCard(slackChannel, cardTs) {
      return out([...rows.values()].find((r) => r.slackChannel === slackChannel && r.cardTs === cardTs));
    },
  };
}

interface StoredLink extends MessageLink {
  createdAt: number;
  seq: number;
}

export function createMemoryMessageMap(now: () => number): MessageMap {
  const links = new Map<string, StoredLink>();
  const statuses = new Set<string>();
  let seq = 0;
  const out = (r: StoredLink | undefined): MessageLink | undefined => {
    if (!r) return undefined;
    const { createdAt: _c, seq: _s, ...link } = r;
    return dropUndefined({ ...link });
  };
  const oldestFirst = (a: StoredLink, b: StoredLink) => a.createdAt - b.createdAt || a.seq - b.seq;
  const bySlack = (channel: string, ts: string) => [...links.values()].filter((l) => l.slackChannel === channel && l.slackTs === ts).sort(oldestFirst);
  return {
    async link(l) {
      if (links.has(l.waMessageId)) return;
      links.set(l.waMessageId, dropUndefined({ ...l, createdAt: now(), seq: seq++ }));
    },
    async byWaId(id) {
      return out(links.get(id));
    },
    async bySlackTs(channel, ts) {
      return out(bySlack(channel, ts)[0]);
    },
    async allBySlackTs(channel, ts) {
      return bySlack(channel, ts).map((l) => out(l)!);
    },
    async latestInbound(chatId) {
      return out([...links.values()].filter((l) => l.chatId === chatId && l.direction === 'in').sort(oldestFirst).at(-1));
    },
    async recordStatus(update) {
      statuses.add(`${update.messageId}\u0000${update.status}`);
      const row = links.get(update.messageId);
      if (!row) return { status: update.status, changed: false };
      const current: DeliveryStatus | undefined = row.status;
      if (!isStatusUpgrade(current, update.status)) return { status: current!, changed: false, link: out(row) };
      const errors = update.errors && update.errors.length > 0 ? JSON.stringify(update.errors) : undefined;
      const link = out({ ...row, status: update.status });
      row.status = update.status;
      if (update.status === 'failed') row.statusError = errors;
      return { status: update.status, changed: true, previous: current, link };
    },
  };
}

export function createMemoryEffects(now: () => number): EffectLog {
  const rows = new Map<string, { value: string; createdAt: number }>();
  return {
    async get(key) {
      return rows.get(key)?.value;
    },
    async put(key, value) {
      // As the SQL upsert: a new value keeps the first write's time.
      rows.set(key, { value, createdAt: rows.get(key)?.createdAt ?? now() });
    },
    async prune(olderThan) {
      let n = 0;
      for (const [k, r] of [...rows]) {
        if (r.createdAt < olderThan) {
          rows.delete(k);
          n += 1;
        }
      }
      return n;
    },
  };
}

/** Optional fields absent rather than undefined, as the SQL stores' records are. */
function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
