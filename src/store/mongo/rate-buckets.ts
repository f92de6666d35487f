import { pauseStep, takeStep, type BucketState, type RateBuckets } from '../../core/store/rate-buckets.js';
import { isDuplicateKey, type BucketDoc, type Collections } from './collections.js';

/** Compare-and-set retries before a take gives up (only under a storm of instances on one key). */
const CAS_TRIES = 20;

/**
 * GCRA buckets, one document per key, computed in the process and written with compare-and-set:
 * the write matches only the state it was computed from, so of two instances taking from one key
 * at once one writes and the other reads again. Times are this process's clock (PostgreSQL uses
 * its server's): instances whose clocks disagree by more than a bucket's interval pace a little
 * off, never unboundedly.
 */
export function createMongoRateBuckets(cols: Collections, now: () => number): RateBuckets {
  async function step(key: string, next: (state: BucketState | undefined, t: number) => { result: number; state: BucketState }): Promise<number> {
    for (let i = 0; i < CAS_TRIES; i++) {
      const t = now();
      const doc = await cols.buckets.findOne({ _id: key });
      const current = doc ? { tat: doc.tat, pausedUntil: doc.pausedUntil, updatedAt: doc.updatedAt } : undefined;
      const { result, state } = next(current, t);
      if (!doc) {
        try {
          await cols.buckets.insertOne({ _id: key, ...state });
          return result;
        } catch (err) {
          if (isDuplicateKey(err)) continue;
          throw err;
        }
      }
      const r = await cols.buckets.updateOne({ _id: key, tat: doc.tat, pausedUntil: doc.pausedUntil, updatedAt: doc.updatedAt } satisfies Partial<BucketDoc>, { $set: state });
      if (r.matchedCount === 1) return result;
    }
    throw new Error(`rate bucket ${key} kept changing under this instance`);
  }

  return {
    take: (key, limit) =>
      step(key, (state, t) => {
        const { wait, next } = takeStep(state, t, limit);
        return { result: wait, state: next };
      }),
    async pause(key, ms, limit) {
      await step(key, (state, t) => ({ result: 0, state: pauseStep(state, t, ms, limit) }));
    },
    async prune(idleMs) {
      const t = now();
      // The same test as prunable(), checked by the server on each document as it deletes it.
      const r = await cols.buckets.deleteMany({ updatedAt: { $lt: t - Math.ceil(idleMs) }, tat: { $lt: t }, pausedUntil: { $lt: t } });
      return r.deletedCount;
    },
  };
}
