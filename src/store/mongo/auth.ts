import type { AnyBulkWriteOperation } from 'mongodb';
import type { AuthStorage } from '../../core/store/auth-storage.js';
import type { AuthDoc, Collections } from './collections.js';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The WhatsApp Web session: one document per id; each id's write atomic, a repeated `set` harmless. */
export function createMongoAuth(cols: Collections, now: () => number): AuthStorage {
  return {
    async get(ids) {
      const out = new Map<string, string>();
      if (ids.length === 0) return out;
      for (const d of await cols.auth.find({ _id: { $in: [...new Set(ids)] } }).toArray()) out.set(d._id, d.value);
      return out;
    },
    async set(entries) {
      const t = now();
      const ops: AnyBulkWriteOperation<AuthDoc>[] = [...entries].map(([id, value]) =>
        value === null ? { deleteOne: { filter: { _id: id } } } : { updateOne: { filter: { _id: id }, update: { $set: { value, updatedAt: t } }, upsert: true } },
      );
      if (ops.length > 0) await cols.auth.bulkWrite(ops, { ordered: false });
    },
    async deletePrefix(prefix) {
      // Anchored and escaped: exact and case-sensitive, no wildcard in an id can widen it.
      await cols.auth.deleteMany({ _id: { $regex: `^${escapeRegex(prefix)}` } });
    },
  };
}
