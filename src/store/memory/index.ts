import type { AuthStorage } from '../../core/store/auth-storage.js';
import { pauseStep, prunable, takeStep, type BucketState, type RateBuckets } from '../../core/store/rate-buckets.js';
import type { Store } from '../../core/store/store.js';
import { createMemoryConversationStates } from './conversation-states.js';
import { createMemoryAgentStart } from './agent-start.js';
import { createMemoryDirectory } from './directory.js';
import { createMemoryIdentities } from './identities.js';
import { createMemoryJobs, createMemoryQueue } from './queue.js';
import { createMemoryContacts, createMemoryEffects, createMemoryMessageMap } from './repos.js';
import { createMemoryTickets } from './tickets.js';

/** What an in-memory "database" holds; several stores (instances) may share one. */
export interface MemoryData {
  jobs: ReturnType<typeof createMemoryJobs>;
  identities: ReturnType<typeof createMemoryIdentities>;
  records: Pick<Store, 'contacts' | 'messages' | 'effects' | 'tickets' | 'rateBuckets' | 'auth' | 'directory'>;
  conversationStates: Store['conversationStates'];
  agentStart: ReturnType<typeof createMemoryAgentStart>;
}

/** An empty in-memory database; `clock` stamps its records (created_at, updated_at). */
export function createMemoryData(clock: () => number = Date.now): MemoryData {
  const contacts = createMemoryContacts(clock);
  const identities = createMemoryIdentities((chatId) => contacts.createdAt(chatId));
  const tickets = createMemoryTickets(clock);
  return {
    jobs: createMemoryJobs(),
    conversationStates: createMemoryConversationStates(),
    agentStart: createMemoryAgentStart(),
    identities,
    records: {
      contacts,
      messages: createMemoryMessageMap(clock),
      effects: createMemoryEffects(clock),
      tickets,
      directory: createMemoryDirectory(contacts, identities, tickets),
      rateBuckets: createMemoryRateBuckets(clock),
      auth: createMemoryAuthStorage(),
    },
  };
}

export interface MemoryStoreOptions {
  /** Time for the records' own timestamps of a new database; queues take theirs in QueueOptions. */
  clock?: () => number;
  /** The database to use: another store's, to act as a second instance on it (tests). A new one by default. */
  data?: MemoryData;
}

/**
 * The whole Store port in this process's memory, with the same semantics as the databases (the
 * contract suite runs on it too): for `core/relay` tests without the app or a database, and for
 * tools that need a throw-away store. Nothing survives the process.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store & { readonly data: MemoryData } {
  const data = options.data ?? createMemoryData(options.clock);
  let closed = false;
  const open = () => {
    if (closed) throw new Error('the in-memory store is closed');
  };
  return {
    kind: 'memory',
    data,
    // Only this process can reach it: a job left running here was left by a worker of this process that is gone.
    exclusive: true,
    shared: false,
    async migrate() {
      open();
      return { applied: [], alreadyApplied: [] };
    },
    async pendingMigrations() {
      return [];
    },
    async ping() {
      open();
    },
    async close() {
      closed = true;
    },
    queue: (queueOptions) => createMemoryQueue(data.jobs, data.identities, queueOptions),
    ...data.records,
    conversationStates: data.conversationStates,
    ...data.agentStart,
    identities: data.identities.store,
  };
}

function createMemoryRateBuckets(now: () => number): RateBuckets {
  const buckets = new Map<string, BucketState>();
  return {
    async take(key, limit) {
      const { wait, next } = takeStep(buckets.get(key), now(), limit);
      buckets.set(key, next);
      return wait;
    },
    async pause(key, ms, limit) {
      buckets.set(key, pauseStep(buckets.get(key), now(), ms, limit));
    },
    async prune(idleMs) {
      const t = now();
      const gone = [...buckets].filter(([, s]) => prunable(s, t, idleMs));
      for (const [k] of gone) buckets.delete(k);
      return gone.length;
    },
  };
}

function createMemoryAuthStorage(): AuthStorage {
  const values = new Map<string, string>();
  return {
    async get(ids) {
      return new Map(ids.flatMap((id) => (values.has(id) ? [[id, values.get(id)!] as const] : [])));
    },
    async set(entries) {
      for (const [id, value] of entries) {
        if (value === null) values.delete(id);
        else values.set(id, value);
      }
    },
    async deletePrefix(prefix) {
      for (const id of [...values.keys()]) if (id.startsWith(prefix)) values.delete(id);
    },
  };
}
