import type { Db } from 'mongodb';
import type { UserThreadDoc } from '../../migrate/user-threads.js';
import { PREFIX, type Collections } from './collections.js';

/** The earlier WhatsAppInSlack tool's thread map, and the database it hard-coded for it. */
export const LEGACY_COLLECTION = 'userThreads';
export const LEGACY_DATABASE = 'slackwhatsapp';
const ADOPTION_ID = 'whatsappinslack.userThreads';

export interface LegacySource {
  database: string;
  count: number;
  docs: AsyncIterable<UserThreadDoc>;
}

export interface AdoptionRecord {
  imported: number;
  kept: number;
  rejected: number;
}

/**
 * Read-only access to WhatsAppInSlack's `userThreads` ({ userId: "<number>@c.us" | "<group>@g.us",
 * thread_ts }), looked for in the store's own database and then in `slackwhatsapp` (the name that
 * tool's code used whatever its URL said). Nothing is ever written to it; whether it was adopted
 * is remembered in Switchboard's own collection.
 */
export interface LegacyThreads {
  find(): Promise<LegacySource | undefined>;
  adopted(): Promise<boolean>;
  markAdopted(record: AdoptionRecord & { database: string }, at: number): Promise<void>;
}

export function legacyUserThreads(db: Db, cols: Collections): LegacyThreads {
  const adoptions = cols.db.collection<{ _id: string; database: string; at: number } & AdoptionRecord>(`${PREFIX}adoptions`);
  return {
    async find() {
      for (const candidate of [db, db.client.db(LEGACY_DATABASE)]) {
        const present = await candidate.listCollections({ name: LEGACY_COLLECTION }, { nameOnly: true }).toArray();
        if (present.length === 0) continue;
        const source = candidate.collection<UserThreadDoc>(LEGACY_COLLECTION);
        return {
          database: candidate.databaseName,
          count: await source.countDocuments({}),
          docs: source.find({}, { projection: { _id: 0, userId: 1, thread_ts: 1 } }),
        };
      }
      return undefined;
    },
    async adopted() {
      return (await adoptions.findOne({ _id: ADOPTION_ID })) !== null;
    },
    async markAdopted(record, at) {
      await adoptions.updateOne({ _id: ADOPTION_ID }, { $setOnInsert: { ...record, at } }, { upsert: true });
    },
  };
}
