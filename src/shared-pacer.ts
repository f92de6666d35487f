import type { Logger } from './logger.js';
import { createKeyLocks, createPacer, realSleep, type Pacer, type PacerOptions } from './pacer.js';
import type { RateBuckets } from './core/store/rate-buckets.js';

export interface SharedPacerOptions extends PacerOptions {
  buckets: RateBuckets;
  /** Namespace of this pacer's keys in the shared table, e.g. `slack` or `graph:number`. */
  scope: string;
  logger: Logger;
  /** Bound on each database call. Past it, or on an error, the acquire is paced by this process alone. */
  dbTimeoutMs?: number;
  /** After a failed database call, how long this process paces alone before asking the database again. */
  fallbackMs?: number;
  /** How often idle rows are pruned, and how long a row must be idle to go. */
  pruneEveryMs?: number;
  pruneIdleMs?: number;
}

export const SHARED_PACER_DEFAULTS = { dbTimeoutMs: 1_000, fallbackMs: 5_000, pruneEveryMs: 60 * 60_000, pruneIdleMs: 60 * 60_000 };

/**
 * A pacer whose buckets live in the database, so every instance on it together keeps one limit per
 * key (the RateBuckets port, src/core/store/rate-buckets.ts). In front of the shared bucket stays the in-process FIFO lock: one
 * request per key in flight from this process, so it sees a 429 before sending the next one.
 * A pause (Retry-After) is kept here and written to the row, which every instance honours.
 *
 * The database being slow or unreachable never fails an acquire: each call is bounded, and on a
 * failure this process falls back to its own token bucket (as on SQLite) for `fallbackMs`, with one
 * warning; then it asks the database again. At worst the instances together exceed the rate while
 * the database is away, and the vendor's 429s pause them.
 */
export function createSharedPacer(opts: SharedPacerOptions): Pacer {
  const o = { ...SHARED_PACER_DEFAULTS, ...opts };
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const limit = { perSecond: opts.perSecond, burst: opts.burst };
  const locks = createKeyLocks();
  // Pauses this process has seen, and the bucket used while the database is away.
  const local = createPacer(opts);
  const log = opts.logger.child({ component: 'pacer', scope: opts.scope });
  const rowKey = (key: string) => `${opts.scope}:${key}`;
  let fallbackUntil = 0;
  let lastPrune = now();

  const bounded = <T>(work: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the database in ${o.dbTimeoutMs} ms`)), o.dbTimeoutMs);
      work.then(
        (v) => (clearTimeout(timer), resolve(v)),
        (e: unknown) => (clearTimeout(timer), reject(e)),
      );
    });

  const failed = (err: unknown, what: string) => {
    // Keys are not logged: a recipient's key holds a phone number.
    if (fallbackUntil === 0) log.warn({ err: (err as Error).message }, `shared rate limit: could not ${what}; pacing this instance on its own for a while`);
    fallbackUntil = now() + o.fallbackMs;
  };

  const pruneNow = () => {
    if (now() - lastPrune < o.pruneEveryMs) return;
    lastPrune = now();
    bounded(opts.buckets.prune(o.pruneIdleMs))
      .then((n) => log.debug({ pruned: n }, 'pruned idle rate-limit rows'))
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not prune idle rate-limit rows'));
  };

  async function waitForSharedToken(key: string): Promise<void> {
    for (;;) {
      const until = local.pausedUntil(key);
      if (until > now()) {
        await sleep(until - now());
        continue;
      }
      if (now() < fallbackUntil) {
        (await local.acquire(key))();
        return;
      }
      let wait: number;
      try {
        wait = await bounded(opts.buckets.take(rowKey(key), limit));
      } catch (err) {
        failed(err, 'take a token');
        continue;
      }
      if (fallbackUntil !== 0) {
        fallbackUntil = 0;
        log.info('shared rate limit: the database answers again; pacing with the other instances');
      }
      if (wait <= 0) return pruneNow();
      await sleep(Math.ceil(wait));
    }
  }

  return {
    async acquire(key) {
      const release = await locks.hold(key);
      try {
        await waitForSharedToken(key);
        return release;
      } catch (err) {
        release();
        throw err;
      }
    },
    pause(key, ms) {
      local.pause(key, ms);
      bounded(opts.buckets.pause(rowKey(key), ms, limit)).catch((err: unknown) => failed(err, 'share a pause'));
    },
    pausedUntil: (key) => local.pausedUntil(key),
    // The pauses this instance has seen (a 429 another instance met is in the shared row, not here).
    pauses: () => local.pauses(),
  };
}
