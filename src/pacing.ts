import type { Logger } from './logger.js';
import { createPacer, type Pacer, type PacerOptions } from './pacer.js';
import { createSharedPacer } from './shared-pacer.js';
import { createRateBuckets } from './store/rate-buckets.js';
import type { SqlStore } from './store/sql-store.js';
import { CLOUD_MESSAGES_PER_SECOND, PAIR_BURST, PAIR_MESSAGES_PER_SECOND } from './whatsapp/cloud/sender.js';

export interface Pacing {
  /** chat.postMessage and friends, per Slack channel. */
  slack: Pacer;
  /** Graph sends: per business number, and per business number and recipient (the pair limit). */
  graph: { pacer: Pacer; pairPacer: Pacer };
  /** Whether the buckets are shared with other instances through the database. */
  shared: boolean;
}

/**
 * The pacers of one instance. On PostgreSQL (several instances may share it) their buckets live in
 * the database, so the instances together keep each limit; on SQLite (one process) they live in
 * memory. `local` forces the in-memory ones (the benchmark's baseline).
 */
export function createPacing(store: SqlStore, slack: PacerOptions, logger: Logger, opts: { local?: boolean } = {}): Pacing {
  const buckets = store.dialect === 'postgres' && !opts.local ? createRateBuckets(store.db) : undefined;
  const make = (scope: string, limit: PacerOptions) => (buckets ? createSharedPacer({ ...limit, buckets, scope, logger }) : createPacer(limit));
  return {
    slack: make('slack', slack),
    graph: {
      pacer: make('graph:number', { perSecond: CLOUD_MESSAGES_PER_SECOND, burst: CLOUD_MESSAGES_PER_SECOND }),
      pairPacer: make('graph:pair', { perSecond: PAIR_MESSAGES_PER_SECOND, burst: PAIR_BURST }),
    },
    shared: buckets !== undefined,
  };
}
