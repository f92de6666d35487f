import { isStatusUpgrade, type DeliveryStatus } from '../../core/model.js';
import type { ContactRecord, ContactStore, EffectLog, MessageLink, MessageMap } from '../../core/ports.js';
import type { Collections, ContactDoc, MessageDoc } from './collections.js';
import { DEFAULT_ROUTE } from '../../core/routes.js';

const toContact = (d: ContactDoc): ContactRecord => ({
  chatId: d._id,
  // Contacts from before routes carry none: the implicit route's.
  route: d.route ?? DEFAULT_ROUTE,
  transport: d.transport as ContactRecord['transport'],
  waId: d.waId,
  name: d.name ?? undefined,
  phone: d.phone,
  username: d.username ?? undefined,
  bsuid: d.bsuid ?? undefined,
  businessNumber: d.businessNumber ?? undefined,
  photoUrl: d.photoUrl ?? undefined,
  isGroup: d.isGroup,
  slackChannel: d.slackChannel ?? undefined,
  cardTs: d.cardTs ?? undefined,
  lastInboundAt: d.lastInboundAt ?? undefined,
});

/** Fields an update leaves as they were when it does not say (the SQL stores' COALESCE). */
const KEPT = ['name', 'username', 'bsuid', 'businessNumber', 'photoUrl', 'lastInboundAt'] as const;

export function createMongoContacts(cols: Collections, now: () => number): ContactStore {
  const get = async (chatId: string) => {
    const doc = await cols.contacts.findOne({ _id: chatId });
    return doc ? toContact(doc) : undefined;
  };
  return {
    get,
    async upsert(c) {
      const t = now();
      const set: Partial<ContactDoc> = { transport: c.transport, waId: c.waId, phone: c.phone, isGroup: c.isGroup, updatedAt: t };
      for (const field of KEPT) if (c[field] !== undefined) Object.assign(set, { [field]: c[field] });
      // One upsert on _id: two first messages at once make one contact (the server retries the loser's insert as an update).
      const doc = await cols.contacts.findOneAndUpdate(
        { _id: c.chatId },
        { $set: set, $setOnInsert: { route: c.route ?? DEFAULT_ROUTE, slackChannel: null, cardTs: null, createdAt: t } },
        { upsert: true, returnDocument: 'after' },
      );
      return toContact(doc!);
    },
    async setCard(chatId, slackChannel, cardTs) {
      await cols.contacts.updateOne({ _id: chatId }, { $set: { slackChannel, cardTs, updatedAt: now() } });
    },
    async findByCard(slackChannel, cardTs) {
      const doc = await cols.contacts.findOne({ slackChannel, cardTs });
      return doc ? toContact(doc) : undefined;
    },
  };
}

const toLink = (d: MessageDoc): MessageLink => ({
  waMessageId: d._id,
  chatId: d.chatId,
  direction: d.direction,
  slackChannel: d.slackChannel,
  slackTs: d.slackTs,
  excerpt: d.excerpt ?? undefined,
  status: (d.status as DeliveryStatus | null) ?? undefined,
  statusError: d.statusError ?? undefined,
});

/** How often a status write re-reads after another write changed the message between its read and its write. */
const STATUS_TRIES = 5;

export function createMongoMessageMap(cols: Collections, now: () => number): MessageMap {
  const byWaId = async (id: string) => {
    const doc = await cols.messages.findOne({ _id: id });
    return doc ? toLink(doc) : undefined;
  };
  return {
    byWaId,
    async link(l) {
      await cols.messages.updateOne(
        { _id: l.waMessageId },
        {
          $setOnInsert: {
            chatId: l.chatId,
            direction: l.direction,
            slackChannel: l.slackChannel,
            slackTs: l.slackTs,
            excerpt: l.excerpt ?? null,
            status: null,
            statusAt: null,
            statusError: null,
            createdAt: now(),
          },
        },
        { upsert: true },
      );
    },
    async latestInbound(chatId) {
      const doc = await cols.messages.find({ chatId, direction: 'in' }).sort({ createdAt: -1 }).limit(1).next();
      return doc ? toLink(doc) : undefined;
    },
    async allBySlackTs(slackChannel, slackTs) {
      const docs = await cols.messages.find({ slackChannel, slackTs }).sort({ createdAt: 1 }).toArray();
      return docs.map(toLink);
    },
    async bySlackTs(slackChannel, slackTs) {
      const doc = await cols.messages.findOne({ slackChannel, slackTs });
      return doc ? toLink(doc) : undefined;
    },
    async recordStatus(update) {
      const errors = update.errors && update.errors.length > 0 ? JSON.stringify(update.errors) : null;
      await cols.statuses.updateOne(
        { _id: `${update.messageId}\u0000${update.status}` },
        { $setOnInsert: { waMessageId: update.messageId, status: update.status, at: update.timestamp, recipient: update.recipient, errors } },
        { upsert: true },
      );
      for (let i = 0; i < STATUS_TRIES; i++) {
        const doc = await cols.messages.findOne({ _id: update.messageId });
        if (!doc) return { status: update.status, changed: false };
        const current = (doc.status as DeliveryStatus | null) ?? undefined;
        if (!isStatusUpgrade(current, update.status)) return { status: current!, changed: false, link: toLink(doc) };
        // Compare-and-set on the status read: never downgraded by a write that raced this one.
        const statusError = update.status === 'failed' ? errors : doc.statusError;
        const r = await cols.messages.updateOne({ _id: update.messageId, status: doc.status }, { $set: { status: update.status, statusAt: update.timestamp, statusError } });
        if (r.modifiedCount === 1) return { status: update.status, changed: true, previous: current, link: toLink({ ...doc, status: update.status, statusError }) };
      }
      throw new Error(`message status for ${update.messageId} kept changing under this write`);
    },
  };
}

export function createMongoEffects(cols: Collections, now: () => number): EffectLog {
  return {
    async get(key) {
      return (await cols.effects.findOne({ _id: key }))?.value;
    },
    async put(key, value) {
      await cols.effects.updateOne({ _id: key }, { $set: { value }, $setOnInsert: { createdAt: now() } }, { upsert: true });
    },
    async prune(olderThan) {
      return (await cols.effects.deleteMany({ createdAt: { $lt: olderThan } })).deletedCount;
    },
  };
}
