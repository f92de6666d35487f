import type { ClientSession, Db, MongoClient, WriteConcernSettings } from 'mongodb';
import type { Store, StoreOpener } from '../../core/store/store.js';
import { createMongoAgentStart } from './agent-start.js';
import { collections } from './collections.js';
import { createMongoConversationStates } from './conversation-states.js';
import { connectStoreClient, urlOption } from './connect.js';
import { createMongoAuth } from './auth.js';
import { createMongoIdentities } from './identities.js';
import { createMongoQueue } from './queue.js';
import { createMongoRateBuckets } from './rate-buckets.js';
import { createMongoContacts, createMongoEffects, createMongoMessageMap } from './repos.js';
import { migrate, pendingVersions, recordedVersions } from './schema.js';
import { createMongoTickets } from './tickets.js';
import { createMongoDirectory } from './directory.js';
import { legacyUserThreads, type LegacyThreads } from './legacy-threads.js';

/** The MongoDB store, with what only it can do: read the earlier WhatsAppInSlack tool's threads in its database. */
export interface MongoStore extends Store {
  readonly kind: 'mongodb';
  /** Whether multi-document transactions are used for intake (a replica set or a sharded cluster reported them). */
  readonly transactions: boolean;
  readonly legacy: LegacyThreads;
  /** The server's version (buildInfo), for the doctor. */
  serverVersion(): Promise<string>;
  /** The highest schema version recorded in the database; undefined before the first start. */
  schemaVersion(): Promise<number | undefined>;
}

/**
 * Transactions need a replica set or mongos, and sessions: what the server says about itself at
 * connection (a standalone reports sessions but refuses transactions).
 */
async function hasTransactions(db: Db): Promise<boolean> {
  const hello = await db.command({ hello: 1 });
  const clustered = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  return clustered && hello.logicalSessionTimeoutMinutes != null;
}

/**
 * A 200 means recorded: the job insert that acknowledges a webhook waits for the journal (and a
 * majority, on a replica set), not only for memory, unless the URL chose its own write concern.
 */
function intakeWriteConcern(url: string): WriteConcernSettings | undefined {
  return urlOption(url, 'w') === undefined && urlOption(url, 'journal') === undefined ? { w: 'majority', journal: true } : undefined;
}

function transactionRunner(client: MongoClient, writeConcern: WriteConcernSettings | undefined) {
  return async <T>(work: (session: ClientSession) => Promise<T>): Promise<T> => {
    const session = client.startSession();
    try {
      // withTransaction retries the whole unit on a transient transaction error; every step is idempotent.
      return await session.withTransaction(() => work(session), writeConcern ? { writeConcern } : {});
    } finally {
      await session.endSession();
    }
  };
}

/** Opened by src/store/open.ts through a dynamic import, so other deployments never load the driver. */
export const openMongoStore: StoreOpener = async (url, options) => openMongo(url, options);

export async function openMongo(url: string, options: Parameters<StoreOpener>[1] = {}): Promise<MongoStore> {
  const client = await connectStoreClient(url, { maxPoolSize: options.poolSize ?? 10 });
  if (options.onConnectionError) {
    const report = options.onConnectionError;
    client.on('serverHeartbeatFailed', (event) => report(event.failure));
  }
  const db = client.db();
  const cols = collections(db);
  const now = options.clock ?? Date.now;
  let transactions = false;
  try {
    transactions = await hasTransactions(db);
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  const writeConcern = intakeWriteConcern(url);
  const deps = { cols, transaction: transactions ? transactionRunner(client, writeConcern) : undefined, intakeWriteConcern: writeConcern };
  return {
    kind: 'mongodb',
    exclusive: false,
    shared: true,
    transactions,
    migrate: () => migrate(cols, now),
    pendingMigrations: () => pendingVersions(cols),
    async ping() {
      await db.command({ ping: 1 });
    },
    async close() {
      await client.close();
    },
    queue: (queueOptions) => createMongoQueue(deps, queueOptions),
    contacts: createMongoContacts(cols, now),
    messages: createMongoMessageMap(cols, now),
    effects: createMongoEffects(cols, now),
    tickets: createMongoTickets(cols, now),
    identities: createMongoIdentities(cols),
    rateBuckets: createMongoRateBuckets(cols, now),
    auth: createMongoAuth(cols, now),
    directory: createMongoDirectory(cols),
    conversationStates: createMongoConversationStates(cols),
    ...createMongoAgentStart(db),
    legacy: legacyUserThreads(db, cols),
    async serverVersion() {
      const info = await db.admin().command({ buildInfo: 1 });
      return String(info.version);
    },
    async schemaVersion() {
      const recorded = [...(await recordedVersions(cols))];
      return recorded.length === 0 ? undefined : Math.max(...recorded);
    },
  };
}
