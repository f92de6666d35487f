import type { IndexDescription } from 'mongodb';
import type { MigrationReport } from '../../core/store/store.js';
import { StoreUnavailableError } from '../errors.js';
import { isDuplicateKey, type Collections } from './collections.js';
import { createConversationStateIndexes } from './conversation-states.js';

interface MongoMigration {
  version: number;
  name: string;
  up(cols: Collections): Promise<void>;
}

/** Every index the store's queries need, by collection; building one that exists is a no-op. */
const INDEXES: Array<[keyof Omit<Collections, 'db'>, IndexDescription[]]> = [
  [
    'jobs',
    [
      // The claim walks unfinished jobs by lane, oldest first (see queue.ts).
      { key: { status: 1, lane: 1, _id: 1 }, name: 'status_lane_id' },
      { key: { dedupeKey: 1 }, name: 'dedupe_key', unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } },
      { key: { status: 1, finishedAt: -1 }, name: 'status_finished' },
      { key: { status: 1, runAt: 1, _id: 1 }, name: 'status_run_at' },
    ],
  ],
  // One card, one contact (as the SQL stores' unique index): only contacts that have a card are in it.
  ['contacts', [{ key: { slackChannel: 1, cardTs: 1 }, name: 'card', unique: true, partialFilterExpression: { cardTs: { $type: 'string' } } }]],
  [
    'identifiers',
    [
      { key: { kind: 1, value: 1 }, name: 'kind_value', unique: true },
      { key: { chatId: 1, kind: 1 }, name: 'chat_kind' },
    ],
  ],
  [
    'messages',
    [
      { key: { slackChannel: 1, slackTs: 1, createdAt: 1 }, name: 'slack_ts' },
      { key: { chatId: 1, direction: 1, createdAt: -1 }, name: 'chat_latest' },
    ],
  ],
  ['effects', [{ key: { createdAt: 1 }, name: 'created_at' }]],
  [
    'tickets',
    [
      { key: { chatId: 1, createdAt: -1 }, name: 'chat_created' },
      { key: { closedAt: 1 }, name: 'closed_at' },
    ],
  ],
  [
    'jiraLines',
    [
      { key: { sourceKey: 1 }, name: 'source_key', unique: true },
      { key: { chatId: 1, batchId: 1, _id: 1 }, name: 'chat_batch' },
      { key: { batchId: 1 }, name: 'batch' },
    ],
  ],
  [
    'jiraBatches',
    [
      { key: { chatId: 1, postedAt: 1, _id: 1 }, name: 'chat_posted' },
      { key: { postedAt: 1 }, name: 'posted_at' },
    ],
  ],
  ['buckets', [{ key: { updatedAt: 1 }, name: 'updated_at' }]],
];

/** How long an instance waits for another one's build of the same indexes to finish. */
const INDEX_BUILD_WAIT_MS = 30_000;

/**
 * A server building the same index for another instance may answer that a build is in progress
 * rather than wait for it: wait, bounded, and ask again (an index that exists is then a no-op).
 */
async function whileAnotherBuilds<T>(build: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + INDEX_BUILD_WAIT_MS;
  for (;;) {
    try {
      return await build();
    } catch (err) {
      const codeName = (err as { codeName?: unknown }).codeName;
      if (typeof codeName !== 'string' || !/^IndexBuild(AlreadyInProgress|Aborted)$/.test(codeName) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Numbered and append-only, as the SQL migrations. Each step is idempotent (an index that exists
 * is left alone), so two instances starting together may both run it and end in the same state;
 * the version document, whose _id is the version, records who got there first.
 */
export const mongoMigrations: MongoMigration[] = [
  {
    version: 1,
    name: 'collections and indexes',
    async up(cols) {
      for (const [name, indexes] of INDEXES) await whileAnotherBuilds(() => cols[name].createIndexes(indexes));
    },
  },
  // Card actions (issue 12): numbered as its SQL migration, so the stores' versions say the same.
  { version: 10, name: 'conversation states and agent actions', up: (cols) => createConversationStateIndexes(cols.db, whileAnotherBuilds) },
];

export const LATEST_VERSION = Math.max(...mongoMigrations.map((m) => m.version));

export async function migrate(cols: Collections, now: () => number): Promise<MigrationReport> {
  const recorded = await recordedVersions(cols);
  const newer = [...recorded].filter((v) => v > LATEST_VERSION);
  if (newer.length > 0) {
    throw new StoreUnavailableError(
      `DATABASE_URL: the MongoDB database has schema version ${Math.max(...newer)}, newer than this Switchboard knows (${LATEST_VERSION}); run the newer release or a backup from before it`,
    );
  }
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  for (const m of mongoMigrations) {
    if (recorded.has(m.version)) {
      report.alreadyApplied.push(m.version);
      continue;
    }
    await m.up(cols);
    try {
      await cols.schema.insertOne({ _id: m.version, name: m.name, appliedAt: now() });
      report.applied.push(m.version);
    } catch (err) {
      // Another instance finished the same (idempotent) step first.
      if (!isDuplicateKey(err)) throw err;
      report.alreadyApplied.push(m.version);
    }
  }
  return report;
}

export async function pendingVersions(cols: Collections): Promise<number[]> {
  const recorded = await recordedVersions(cols);
  return mongoMigrations.map((m) => m.version).filter((v) => !recorded.has(v));
}

/** The schema versions recorded in the database; none before the first migration. */
export async function recordedVersions(cols: Collections): Promise<Set<number>> {
  const docs = await cols.schema.find({}, { projection: { _id: 1 } }).toArray();
  return new Set(docs.map((d) => d._id));
}
