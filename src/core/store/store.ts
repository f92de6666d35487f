import type { ContactStore, EffectLog, MessageMap, TicketStore } from '../ports.js';
import type { ConversationStartStore, SavedReplyStore } from './agent-start.js';
import type { AuthStorage } from './auth-storage.js';
import type { ConversationStates } from './conversation-states.js';
import type { ConversationDirectory } from './directory.js';
import type { IdentityStore } from './identities.js';
import type { JobQueue, QueueOptions } from './queue.js';
import type { RateBuckets } from './rate-buckets.js';

export type StoreKind = 'memory' | 'sqlite' | 'postgres' | 'mongodb';

export interface MigrationReport {
  applied: number[];
  alreadyApplied: number[];
}

/**
 * Everything the service keeps, behind one port: each store (in memory, SQLite, PostgreSQL,
 * MongoDB) implements all of it, and test/store/contract/ checks that they behave alike.
 */
export interface Store {
  readonly kind: StoreKind;
  /**
   * This process holds the store alone (the embedded SQLite file's process lock; an in-memory
   * store): a job marked running that this process did not start was left by a dead one.
   */
  readonly exclusive: boolean;
  /** Several instances may use this store at once (PostgreSQL, MongoDB): rate limits are kept in it then. */
  readonly shared: boolean;

  /** Brings the schema (tables, indexes, schema versions) up to date; idempotent, safe when two instances start together. */
  migrate(): Promise<MigrationReport>;
  /** Versions `migrate` would apply now. */
  pendingMigrations(): Promise<number[]>;
  /** Resolves when the store answers; rejects with the driver's error otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** A queue handle (and intake's unit of work); each holds its own claim state, so one per worker. */
  queue(options: QueueOptions): JobQueue;
  readonly contacts: ContactStore;
  readonly messages: MessageMap;
  readonly effects: EffectLog;
  readonly tickets: TicketStore;
  readonly identities: IdentityStore;
  readonly rateBuckets: RateBuckets;
  readonly auth: AuthStorage;
  /** The operator console's conversation list. */
  readonly directory: ConversationDirectory;
  /** The card's conversation states and the agent-action audit (issue 12, card actions). */
  readonly conversationStates: ConversationStates;
  /** Saved replies and conversations started from Slack (issue 12). */
  readonly savedReplies: SavedReplyStore;
  readonly conversationStarts: ConversationStartStore;
}

export interface OpenStoreOptions {
  /** Connection pool size where the store has one; several instances share the database, so keep it modest. */
  poolSize?: number;
  /**
   * SQLite: take the process lock, so a second Switchboard on the same file is refused
   * (StoreInUseError). The service does; tools, and tests that share a file, do not.
   */
  exclusive?: boolean;
  /** A pooled connection broke; the operation on it (if any) fails by itself, the pool reconnects. */
  onConnectionError?: (err: Error) => void;
  /** Time for the records' own timestamps (created_at, updated_at); tests move it. Queues take theirs in QueueOptions. */
  clock?: () => number;
}

/** How a store is opened: `src/store/open.ts` picks one by DATABASE_URL's scheme. */
export type StoreOpener = (url: string, options: OpenStoreOptions) => Promise<Store>;
