import { describe, expect, it } from 'vitest';
import { createBatcher, createGroupCommit, type Transact } from '../../src/store/batching.js';

/**
 * A fake database with transactions: writes go to the transaction's own list and reach `committed`
 * only when it commits; `log` tells what happened in which order.
 */
function fakeDb(o: { failCommit?: (writes: string[]) => boolean } = {}) {
  const committed: string[] = [];
  const log: string[] = [];
  let transactions = 0;
  const transact: Transact<{ write(v: string): void }> = async (fn) => {
    const n = ++transactions;
    const writes: string[] = [];
    log.push(`begin ${n}`);
    try {
      const result = await fn({ write: (v) => writes.push(v) });
      await Promise.resolve();
      if (o.failCommit?.(writes)) throw new Error('commit failed: disk full');
      committed.push(...writes);
      log.push(`commit ${n}`);
      return result;
    } catch (err) {
      log.push(`rollback ${n}`);
      throw err;
    }
  };
  return { committed, log, transact, transactions: () => transactions };
}

const BATCH = { maxBatch: 64, maxInFlight: 1 };

describe('group commit', () => {
  it('runs units that arrive together in one transaction, and answers each only after it committed', async () => {
    const db = fakeDb();
    const unit = createGroupCommit(db.transact, BATCH);
    const answered: string[] = [];
    const units = ['a', 'b', 'c'].map((v) =>
      unit(async (trx) => {
        trx.write(v);
        return v;
      }).then((r) => {
        answered.push(r);
        // What it wrote is durable by the time it is answered.
        expect(db.committed).toContain(r);
        db.log.push(`answered ${r}`);
        return r;
      }),
    );
    expect(await Promise.all(units)).toEqual(['a', 'b', 'c']);
    expect(db.transactions()).toBe(1);
    expect(db.log).toEqual(['begin 1', 'commit 1', 'answered a', 'answered b', 'answered c']);
  });

  it('a failing unit fails alone: the others are committed, nothing of it is', async () => {
    const db = fakeDb();
    const unit = createGroupCommit(db.transact, BATCH);
    const results = await Promise.allSettled(
      ['a', 'bad', 'c'].map((v) =>
        unit(async (trx) => {
          trx.write(v);
          if (v === 'bad') throw new Error('not recorded');
          return v;
        }),
      ),
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'not recorded', 'c']);
    expect(db.committed).toEqual(['a', 'c']);
    // The batch was rolled back whole, then each unit ran alone.
    expect(db.log).toEqual(['begin 1', 'rollback 1', 'begin 2', 'commit 2', 'begin 3', 'rollback 3', 'begin 4', 'commit 4']);
  });

  it('when the commit fails, nobody is answered until their own commit, and a unit that cannot commit is refused', async () => {
    // The batch's commit fails (say, the disk is full while it holds three units); alone, only 'big' still fails.
    const db = fakeDb({ failCommit: (writes) => writes.length > 1 || writes.includes('big') });
    const unit = createGroupCommit(db.transact, BATCH);
    const results = await Promise.allSettled(['a', 'big', 'c'].map((v) => unit(async (trx) => trx.write(v))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.committed).toEqual(['a', 'c']);
  });

  it('never holds more units in a transaction, nor more transactions open, than it may', async () => {
    let open = 0;
    let mostOpen = 0;
    const sizes: number[] = [];
    const transact: Transact<null> = async (fn) => {
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      const r = await fn(null);
      // A batch's transaction returns one result per unit; a unit alone returns its own.
      sizes.push(Array.isArray(r) ? r.length : 1);
      await new Promise((resolve) => setImmediate(resolve));
      open -= 1;
      return r;
    };
    const unit = createGroupCommit(transact, { maxBatch: 4, maxInFlight: 2 });
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => unit(async () => i)));
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(mostOpen).toBe(2);
  });

  it('a unit queued while a batch runs goes in the next one', async () => {
    const db = fakeDb();
    const unit = createGroupCommit(db.transact, BATCH);
    const first = unit(async (trx) => {
      trx.write('first');
      // Arrives while the first batch is open.
      late = unit(async (t) => t.write('late'));
    });
    let late: Promise<void> | undefined;
    await first;
    await late;
    expect(db.log).toEqual(['begin 1', 'commit 1', 'begin 2', 'commit 2']);
    expect(db.committed).toEqual(['first', 'late']);
  });
});

describe('the batcher', () => {
  it('gives each call its own outcome, and a batch that throws rejects only its own calls', async () => {
    const batches: number[][] = [];
    const double = createBatcher<number, number>(async (xs) => {
      batches.push(xs);
      if (xs.includes(13)) throw new Error('unlucky batch');
      return xs.map((x) => (x < 0 ? { status: 'rejected', reason: new Error(`negative ${x}`) } : { status: 'fulfilled', value: x * 2 }));
    }, BATCH);
    const results = await Promise.allSettled([1, -2, 3].map(double));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('negative -2') },
      { status: 'fulfilled', value: 6 },
    ]);
    await expect(double(13)).rejects.toThrow('unlucky batch');
    expect(await double(4)).toBe(8);
    expect(batches).toEqual([[1, -2, 3], [13], [4]]);
  });
});
