import { afterEach, beforeEach } from 'vitest';
import type { JobQueue, QueueOptions } from '../../../src/core/store/queue.js';
import type { Store } from '../../../src/core/store/store.js';

/**
 * One database for one contract case, as a store's test file provides it.
 * - `store`: opened, not yet migrated (the suite migrates it), its records stamped by `clock`.
 * - `another()`: a second instance on the same database (what a second process would open), with
 *   the same clock; the suite closes it.
 * - `drop()`: removes the database once the case's stores are closed.
 */
export interface ContractDatabase {
  store: Store;
  another(): Promise<Store>;
  drop(): Promise<void>;
}

/** Opens a fresh, empty database for each case; `clock` is the suite's (it moves it). */
export type ContractOpener = (options: { clock: () => number }) => Promise<ContractDatabase>;

export interface ContractOptions {
  /**
   * Run the cases that need several instances working on one database at once (two workers never
   * run one job twice, buckets shared). For stores meant to be shared: PostgreSQL, MongoDB.
   */
  multiInstance?: boolean;
  /**
   * The store runs an intake unit of work in one transaction, so a unit that fails leaves nothing.
   * False for a store that runs each step as its own atomic write (MongoDB without a replica set):
   * the suite then checks that retrying the failed unit converges instead.
   */
  transactionalIntake?: boolean;
}

export interface ContractContext {
  readonly store: Store;
  /** The suite's clock, epoch ms; cases move it with `clock.now += …`. */
  readonly clock: { now: number };
  /** A queue handle on `store` with the suite's clock and a fixed jitter. */
  queue(options?: Partial<QueueOptions>): JobQueue;
  another(): Promise<Store>;
  readonly options: Required<ContractOptions>;
}

export const LEASE_MS = 30_000;
const START = 1_000_000;

/** Inside a describe: a fresh migrated database per case, closed and dropped after it. */
export function useContractStore(open: ContractOpener, options: ContractOptions): ContractContext {
  const clock = { now: START };
  const opened: Store[] = [];
  let db: ContractDatabase | undefined;
  const ctx: ContractContext = {
    get store() {
      if (!db) throw new Error('the contract store is not open (did beforeEach fail?)');
      return db.store;
    },
    clock,
    queue: (o = {}) => ctx.store.queue({ leaseMs: LEASE_MS, maxAttempts: 3, clock: () => clock.now, random: () => 0.5, ...o }),
    async another() {
      const s = await db!.another();
      opened.push(s);
      return s;
    },
    options: { multiInstance: options.multiInstance ?? false, transactionalIntake: options.transactionalIntake ?? true },
  };
  beforeEach(async () => {
    clock.now = START;
    db = await open({ clock: () => clock.now });
    opened.push(db.store);
    await db.store.migrate();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
    await db?.drop();
    db = undefined;
  });
  return ctx;
}
