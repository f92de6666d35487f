import type { IdentityStore } from './identities.js';
import type { EnqueueResult, NewJob } from './queue.js';

/**
 * What intake may do inside one unit of work: resolve the sender's conversation and queue the
 * event's job. A webhook is answered 200 only after the unit of work resolved, which means the
 * event is recorded and its job queued.
 *
 * The job is the record of the event: its dedupe key (the event's external id) is unique in the
 * store, so the insert of the job document/row is the one step that decides "new or repeat".
 * Stores with transactions (SQL) run the whole unit in one, so a failure leaves nothing behind.
 * Stores without multi-document transactions (MongoDB without a replica set) run each step as its
 * own atomic write: every identity step is an idempotent upsert, and the job insert comes last, so
 * a unit that fails part-way leaves only what a retry of the same event repeats harmlessly.
 * Callers therefore must keep every step idempotent and never read back anything but identities.
 */
export interface IntakeWork {
  readonly identities: IdentityStore;
  enqueue(job: NewJob): Promise<EnqueueResult>;
}

export interface IntakeStore {
  /** Runs `work` as one unit of work (see IntakeWork); rejects when anything in it failed. */
  intake<T>(work: (uow: IntakeWork) => Promise<T>): Promise<T>;
}
