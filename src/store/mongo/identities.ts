import type { AnyBulkWriteOperation, ClientSession } from 'mongodb';
import type { IdentityStore } from '../../core/store/identities.js';
import { isDuplicateKey, type Collections, type IdentifierDoc } from './collections.js';

/**
 * Identifiers, one document each, unique by (kind, value). Every write is an upsert or a set-based
 * update that a retry repeats harmlessly, so intake converges without transactions (IntakeWork).
 */
export function createMongoIdentities(cols: Collections, session?: ClientSession): IdentityStore {
  const opts = { session };
  return {
    async lookup(ids) {
      if (ids.length === 0) return [];
      const docs = await cols.identifiers.find({ $or: ids.map(({ kind, value }) => ({ kind, value })) }, opts).toArray();
      return docs.map((d) => ({ kind: d.kind, value: d.value, chatId: d.chatId }));
    },

    async claim(chatId, ids, now) {
      if (ids.length === 0) return;
      // $setOnInsert: an identifier that already belongs to a conversation stays where it is.
      const ops: AnyBulkWriteOperation<IdentifierDoc>[] = ids.map(({ kind, value }) => ({
        updateOne: { filter: { kind, value }, update: { $setOnInsert: { chatId, createdAt: now } }, upsert: true },
      }));
      try {
        await cols.identifiers.bulkWrite(ops, { ordered: false, session });
      } catch (err) {
        // Two intakes upserting one new identifier at once: the loser's E11000 means the winner has it.
        const errors = (err as { writeErrors?: unknown[] }).writeErrors;
        const lostRaces = Array.isArray(errors) && errors.length > 0 && errors.every((e) => isDuplicateKey(e));
        if (!lostRaces && !isDuplicateKey(err)) throw err;
      }
    },

    async setUsername(chatId, username, now) {
      await cols.identifiers.deleteMany({ chatId, kind: 'username', value: { $ne: username } }, opts);
      await cols.identifiers.updateOne(
        { kind: 'username', value: username },
        { $set: { chatId }, $setOnInsert: { createdAt: now } },
        { upsert: true, session },
      );
    },

    async reassign(from, to) {
      if (from.length === 0) return;
      await cols.identifiers.updateMany({ chatId: { $in: [...from] }, kind: { $ne: 'username' } }, { $set: { chatId: to } }, opts);
    },

    async firstSeen(chatIds) {
      if (chatIds.length === 0) return new Map();
      const docs = await cols.contacts.find({ _id: { $in: [...chatIds] } }, { ...opts, projection: { createdAt: 1 } }).toArray();
      return new Map(docs.map((d) => [d._id, d.createdAt]));
    },
  };
}
