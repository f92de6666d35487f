export interface PacerOptions {
  /** Sustained posts per second per channel (Slack: about 1). */
  perSecond: number;
  /** Posts allowed back to back before pacing starts. */
  burst: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Pacer {
  /**
   * Resolves when a post to `key` may go out, with a release to call once its answer is in.
   * One request per key is in flight at a time, so a 429 is always seen before the next request
   * leaves: nothing is sent into a Retry-After window.
   */
  acquire(key: string): Promise<() => void>;
  /** Holds every post to `key` for `ms` (a 429's Retry-After applies to the whole channel). */
  pause(key: string, ms: number): void;
  pausedUntil(key: string): number;
  /** Keys held by a pause now, and until when (the operator console's pacing panel). */
  pauses(): Array<{ key: string; until: number }>;
}

/** A FIFO lock per key: `hold(key)` resolves, in arrival order, once the previous holder has released. */
export interface KeyLocks {
  hold(key: string): Promise<() => void>;
}

export function createKeyLocks(): KeyLocks {
  const tails = new Map<string, Promise<void>>();
  return {
    async hold(key) {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      tails.set(key, mine);
      await previous;
      return () => {
        // The last holder forgets the key, so idle keys (one per recipient) do not pile up.
        if (tails.get(key) === mine) tails.delete(key);
        release();
      };
    },
  };
}

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Bucket {
  tokens: number;
  at: number;
  pausedUntil: number;
}

/** Token bucket per key: Slack's chat.postMessage allows ~1 message/s per channel with short bursts. */
export function createPacer(opts: PacerOptions): Pacer {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const buckets = new Map<string, Bucket>();
  const locks = createKeyLocks();

  const bucket = (key: string): Bucket => {
    let b = buckets.get(key);
    if (!b) {
      b = { tokens: opts.burst, at: now(), pausedUntil: 0 };
      buckets.set(key, b);
    }
    const t = now();
    b.tokens = Math.min(opts.burst, b.tokens + ((t - b.at) / 1000) * opts.perSecond);
    b.at = t;
    return b;
  };

  return {
    async acquire(key) {
      const release = await locks.hold(key);
      for (;;) {
        const b = bucket(key);
        const t = now();
        if (b.pausedUntil > t) {
          await sleep(b.pausedUntil - t);
          continue;
        }
        if (b.tokens >= 1) {
          b.tokens -= 1;
          return release;
        }
        await sleep(Math.ceil(((1 - b.tokens) / opts.perSecond) * 1000));
      }
    },
    pause(key, ms) {
      const b = bucket(key);
      b.pausedUntil = Math.max(b.pausedUntil, now() + ms);
      // After a pause, start gently rather than with a full burst.
      b.tokens = Math.min(b.tokens, 1);
    },
    pausedUntil: (key) => buckets.get(key)?.pausedUntil ?? 0,
    pauses() {
      const t = now();
      return [...buckets].filter(([, b]) => b.pausedUntil > t).map(([key, b]) => ({ key, until: b.pausedUntil }));
    },
  };
}
