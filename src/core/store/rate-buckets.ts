/** A limit in GCRA terms: one request per `1000 / perSecond` ms, up to `burst` back to back from rest. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

/**
 * Token buckets kept in the store, shared by every instance on it (each key one record holding
 * GCRA's "theoretical arrival time", tat). A request at `now` conforms when
 * `max(tat, now) - now <= (burst - 1) * interval`, and then moves tat on by one interval: a token
 * bucket of size `burst` refilled at `perSecond`, kept in one number. Each operation must be atomic
 * on its key (one statement, one find-and-modify), so two instances are serialised by the store.
 */
export interface RateBuckets {
  /** Takes one request's worth from `key`: 0 when granted, otherwise the milliseconds to wait before asking again. */
  take(key: string, limit: BucketLimit): Promise<number>;
  /** Nothing for `key` is granted for `ms` (a vendor's Retry-After), and afterwards one at a time, not a burst. */
  pause(key: string, ms: number, limit: BucketLimit): Promise<void>;
  /**
   * Deletes keys idle for `idleMs` whose bucket is full again and not paused: such a key answers
   * exactly as a missing one does, so this changes no decision. Returns how many went.
   */
  prune(idleMs: number): Promise<number>;
}

/** One bucket's state. */
export interface BucketState {
  tat: number;
  pausedUntil: number;
  updatedAt: number;
}

export function gcra(limit: BucketLimit): { interval: number; tolerance: number } {
  const interval = 1000 / limit.perSecond;
  return { interval, tolerance: Math.max(0, limit.burst - 1) * interval };
}

/** GCRA's take, for stores that compute it in the process (in memory; inside a transaction). */
export function takeStep(state: BucketState | undefined, now: number, limit: BucketLimit): { wait: number; next: BucketState } {
  const { interval, tolerance } = gcra(limit);
  if (!state) return { wait: 0, next: { tat: now + interval, pausedUntil: 0, updatedAt: now } };
  if (state.pausedUntil > now) return { wait: state.pausedUntil - now, next: { ...state, updatedAt: now } };
  const base = Math.max(state.tat, now);
  if (base - now <= tolerance) return { wait: 0, next: { ...state, tat: base + interval, updatedAt: now } };
  return { wait: base - now - tolerance, next: { ...state, updatedAt: now } };
}

/** GCRA's pause: at `now + ms` exactly one request conforms, then one per interval. */
export function pauseStep(state: BucketState | undefined, now: number, ms: number, limit: BucketLimit): BucketState {
  const { tolerance } = gcra(limit);
  const until = now + Math.ceil(ms);
  return {
    tat: Math.max(state?.tat ?? -Infinity, until + tolerance),
    pausedUntil: Math.max(state?.pausedUntil ?? 0, until),
    updatedAt: now,
  };
}

/** Whether a bucket may be forgotten: idle long enough, full again, not paused. */
export function prunable(state: BucketState, now: number, idleMs: number): boolean {
  return state.updatedAt < now - Math.ceil(idleMs) && state.tat < now && state.pausedUntil < now;
}
