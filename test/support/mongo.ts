import { createFakeMongo, type FakeMongo } from '../fakes/mongo.js';
import type { StoreFixture } from './stores.js';

/**
 * Where the MongoDB store tests run: the wire-protocol fake (a fresh one per database), and a
 * real server too when MONGODB_URL is set (a fresh database on it per test, dropped afterwards).
 */
export interface MongoTarget {
  name: 'fake' | 'real';
  /** A fresh, empty database and its URL; `fake` is there on the fake only (faults, TTL sweep). */
  create(): Promise<{ url: string; fake?: FakeMongo; drop(): Promise<void> }>;
}

/** Short bounds so a test that takes the server away fails over in well under a second. */
const FAST = { serverSelectionTimeoutMS: 500, socketTimeoutMS: 2_000 };

export const fakeMongoTarget: MongoTarget = {
  name: 'fake',
  async create() {
    const fake = await createFakeMongo();
    return { url: fake.uri('switchboard', FAST), fake, drop: () => fake.close() };
  },
};

export const realMongoTarget: MongoTarget | undefined = process.env.MONGODB_URL
  ? {
      name: 'real',
      async create() {
        const { MongoClient } = await import('mongodb');
        const base = new URL(process.env.MONGODB_URL!);
        base.pathname = `/switchboard_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
        const url = base.toString();
        return {
          url,
          async drop() {
            const client = new MongoClient(url);
            try {
              await client.db().dropDatabase();
            } finally {
              await client.close();
            }
          },
        };
      },
    }
  : undefined;

export const mongoTargets: MongoTarget[] = realMongoTarget ? [fakeMongoTarget, realMongoTarget] : [fakeMongoTarget];

if (!process.env.MONGODB_URL) {
  console.info('MongoDB store tests run on the wire-protocol fake only: set MONGODB_URL=mongodb://… to run them against a real server too (none can be installed on this machine).');
}

/**
 * The harness's store option for a MongoDB fake's database (the fake is the test's to close). The
 * harness reads only the URL and `drop`; StoreFixture is still typed for the SQL fixtures.
 */
export function mongoStoreFixture(fake: FakeMongo, db: string): StoreFixture {
  const fixture = {
    name: 'mongodb',
    async create() {
      return { url: fake.uri(db, FAST), open: () => Promise.reject(new Error('the app opens the MongoDB store itself')), drop: async () => undefined };
    },
  };
  return fixture as unknown as StoreFixture;
}
