/**
 * Calls that arrive while the store is busy (or within one turn of the event loop) go to the
 * database together: N concurrent webhooks cost one commit (one WAL flush on PostgreSQL, one WAL
 * append on SQLite) instead of N, and N finished jobs one UPDATE. Nothing waits on a timer: a call
 * made while the store is idle goes out after the current turn's I/O callbacks (SQLite's driver is
 * synchronous, so without that turn each call would be done before the next request is read); calls
 * made meanwhile join the next batch, which starts as soon as one of `maxInFlight` is free.
 */
export interface BatchOptions {
  /** Most calls in one batch. */
  maxBatch: number;
  /** Batches at the database at once (1 where there is one connection, as on SQLite). */
  maxInFlight: number;
}

/** Runs a batch; one outcome per input, in order. */
export type RunBatch<I, O> = (inputs: I[]) => Promise<Array<PromiseSettledResult<O>>>;

interface Call<I, O> {
  input: I;
  resolve(value: O): void;
  reject(err: unknown): void;
}

export function createBatcher<I, O>(runBatch: RunBatch<I, O>, options: BatchOptions): (input: I) => Promise<O> {
  const waiting: Array<Call<I, O>> = [];
  let inFlight = 0;
  let scheduled = false;

  async function send(batch: Array<Call<I, O>>): Promise<void> {
    try {
      const outcomes = await runBatch(batch.map((c) => c.input));
      batch.forEach((call, i) => {
        const o = outcomes[i]!;
        if (o.status === 'fulfilled') call.resolve(o.value);
        else call.reject(o.reason);
      });
    } catch (err) {
      for (const call of batch) call.reject(err);
    }
  }

  function pump(): void {
    scheduled = false;
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      inFlight += 1;
      void send(waiting.splice(0, options.maxBatch)).finally(() => {
        inFlight -= 1;
        schedule();
      });
    }
  }

  function schedule(): void {
    if (scheduled || waiting.length === 0 || inFlight >= options.maxInFlight) return;
    scheduled = true;
    setImmediate(pump);
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      schedule();
    });
}

export type Transact<U> = <T>(fn: (trx: U) => Promise<T>) => Promise<T>;
export type Unit<U> = (trx: U) => Promise<unknown>;

/**
 * Group commit: units of work run together, at once, in one transaction, and each unit's promise
 * settles only after that transaction has committed, so a webhook is still answered only once its own data is
 * durable. A unit that fails must neither fail nor lose the others: when anything in a batch fails
 * (a unit, or the commit itself), the batch is rolled back whole and each of its units runs again
 * alone, in a transaction of its own, and settles with that outcome. A unit may therefore run more
 * than once; only its last run's writes remain (intake's units are written for that: see
 * core/store/intake.ts). A crash at any point leaves each unit committed or not at all, as one
 * transaction per unit did, and no unit is answered before its commit.
 */
export function createGroupCommit<U>(transact: Transact<U>, options: BatchOptions): <T>(work: (trx: U) => Promise<T>) => Promise<T> {
  const alone = async (unit: Unit<U>): Promise<PromiseSettledResult<unknown>> => {
    try {
      return { status: 'fulfilled', value: await transact(unit) };
    } catch (reason) {
      return { status: 'rejected', reason };
    }
  };
  const batch = createBatcher<Unit<U>, unknown>(async (units) => {
    if (units.length === 1) return [await alone(units[0]!)];
    try {
      const values = await transact(async (trx) => {
        // All at once, so a store can send what they ask for together; the transaction ends only
        // once every unit has (none may still be writing when it commits or rolls back).
        const settled = await Promise.allSettled(units.map((unit) => unit(trx)));
        const failed = settled.find((o) => o.status === 'rejected');
        if (failed) throw failed.reason;
        return settled.map((o) => (o as PromiseFulfilledResult<unknown>).value);
      });
      return values.map((value) => ({ status: 'fulfilled', value }));
    } catch {
      // Nothing of this batch is durable: each unit gets its own transaction and its own outcome.
      const outcomes: Array<PromiseSettledResult<unknown>> = [];
      for (const unit of units) outcomes.push(await alone(unit));
      return outcomes;
    }
  }, options);
  return <T>(work: (trx: U) => Promise<T>) => batch(work) as Promise<T>;
}
