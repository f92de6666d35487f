import type { Logger } from './logger.js';
import { createPacer, type Pacer, type PacerOptions } from './pacer.js';
import { createSharedPacer } from './shared-pacer.js';
import type { Store } from './core/store/store.js';
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
 * The pacers of one instance. On a store several instances may share (PostgreSQL, MongoDB) their
 * buckets live in the store, so the instances together keep each limit; on SQLite (one process)
 * they live in memory. `local` forces the in-memory ones (the benchmark's baseline).
 */
export function createPacing(store: Pick<Store, 'shared' | 'rateBuckets'>, slack: PacerOptions, logger: Logger, opts: { local?: boolean } = {}): Pacing {
  const buckets = store.shared && !opts.local ? store.rateBuckets : undefined;
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
