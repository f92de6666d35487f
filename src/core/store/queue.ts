import type { IntakeStore } from './intake.js';

/**
 * The durable job queue, as the worker, the intake and the operator console use it. Every store
 * implements it with the same semantics (the contract suite in test/store/contract/ checks them):
 *
 * - a job's `dedupeKey` is unique across every job the store still holds (done and dead included):
 *   enqueueing it again is a no-op that answers `inserted: false`;
 * - a lane is the jobs of one conversation: its oldest unfinished job (its head) runs alone, and
 *   nothing after it runs before it is finished (FIFO); different lanes run in parallel;
 * - a claim leases the job to one worker until `now + leaseMs`; a lease that expires lets another
 *   worker take the job over (counting a crash), and the first worker's later calls no longer match
 *   (`attempts` is the fencing token);
 * - a failure retries with back-off while attempts remain and the failure is retryable, otherwise
 *   the job is dead-lettered and stays until an operator retries or discards it.
 *
 * Times are epoch milliseconds.
 */

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';

export interface NewJob {
  kind: string;
  /** Conversation key: FIFO within a lane, parallel across lanes. */
  lane: string;
  /** JSON-serialisable; read back as `unknown` and validated by the job's handler. */
  payload: unknown;
  /** External id of the event that caused the job (wamid, Slack event_id…); a repeat is ignored. */
  dedupeKey?: string;
  runAt?: number;
  maxAttempts?: number;
}

export interface EnqueueResult {
  inserted: boolean;
  /** The new job's id; null when the dedupe key was already taken. */
  id: number | null;
}

export interface Job {
  id: number;
  kind: string;
  lane: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  /** Leases that expired on this job so far (its worker died or hung while running it). */
  crashes: number;
  createdAt: number;
  /**
   * An earlier attempt started (and may have done part of the work before it failed, crashed or
   * was given back at shutdown): look for what it did before doing it again.
   */
  resumed: boolean;
  lastError: string | null;
}

export interface JobFailure {
  /** A short machine-readable reason (a BridgeError's code), when there is one. */
  code?: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  /** A rate limit is not the job's fault: it does not use up an attempt. */
  rateLimited?: boolean;
}

/** `lost`: the job was no longer this worker's (its lease expired and another worker took it). */
export type FailOutcome = { outcome: 'retry'; runAt: number } | { outcome: 'dead' } | { outcome: 'lost' };

export interface DeadJob {
  id: number;
  kind: string;
  lane: string;
  attempts: number;
  lastError: string | null;
  finishedAt: number | null;
}

/** One job as the operator console lists it. */
export interface JobSummary {
  id: number;
  kind: string;
  lane: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  crashes: number;
  lastError: string | null;
  runAt: number;
  createdAt: number;
  finishedAt: number | null;
}

export interface ReleaseHow {
  /** Whether this attempt's handler ran (default true). */
  started: boolean;
}

/** What `first_run_at` becomes when a job is given back: cleared only for one that never started. */
export const neverStarted = (job: Job, how: ReleaseHow | undefined): boolean => how?.started === false && !job.resumed;

export interface JobListFilter {
  status: 'pending' | 'dead';
  limit: number;
}

/**
 * A queue handle (`Store.queue(options)`). It is also where intake's unit of work runs
 * (IntakeStore): the jobs it queues take this handle's defaults and clock.
 */
export interface JobQueue extends IntakeStore {
  enqueue(job: NewJob): Promise<EnqueueResult>;
  /** Up to `limit` due lane heads, oldest first, leased to `workerId`. */
  claim(workerId: string, limit: number): Promise<Job[]>;
  /** False when the job was no longer this worker's. */
  complete(job: Job, workerId: string): Promise<boolean>;
  fail(job: Job, workerId: string, failure: JobFailure): Promise<FailOutcome>;
  /**
   * Gives a claimed job back (shutdown): it keeps its place, the attempt is not counted, and the
   * next run knows an earlier one started (`resumed`). A job claimed ahead and never started
   * (`started: false`) goes back as it was: not resumed unless an earlier attempt had started.
   */
  release(job: Job, workerId: string, how?: ReleaseHow): Promise<void>;
  /**
   * Returns every job left `running` to the queue at once, counting a crash for each. Only for a
   * store no other process can use (`Store.exclusive`), where a running job at start-up can only
   * belong to a process that died.
   */
  releaseAbandoned(): Promise<number>;
  /** Moves the leases of these jobs, still this worker's, to `now + leaseMs`. */
  extendLeases(jobIds: number[], workerId: string): Promise<void>;
  depth(): Promise<Record<JobStatus, number>>;
  /** Most recently dead-lettered first. */
  recentDead(limit: number): Promise<DeadJob[]>;
  /** Deletes finished jobs older than the cut-off; dead jobs stay until someone looks at them. */
  pruneDone(olderThan: number): Promise<number>;
  /** Pending jobs due first (run_at, then id); dead jobs most recently dead first (finished_at, then id, descending). */
  listJobs(filter: JobListFilter): Promise<JobSummary[]>;
  /** One job, whatever its status (the console follows a retried job); undefined once pruned. */
  findJob(id: number): Promise<JobSummary | undefined>;
  /** A dead job goes back to the queue, due now, with attempts and crashes reset; false if it is not dead. */
  retryDead(id: number): Promise<boolean>;
  /** A dead job is finished as done, its last error prefixed "discarded"; false if it is not dead. */
  discardDead(id: number): Promise<boolean>;
}

export interface QueueOptions {
  leaseMs: number;
  /** For jobs enqueued without their own. */
  maxAttempts: number;
  clock?: () => number;
  random?: () => number;
}

/** A rate limit is not the job's fault: it does not use up an attempt. */
export function attemptsSpent(job: Pick<Job, 'attempts'>, failure: JobFailure): number {
  return failure.rateLimited ? job.attempts - 1 : job.attempts;
}

/** Whether a failure sends the job back to the queue (else it is dead-lettered). */
export function willRetry(job: Pick<Job, 'attempts' | 'maxAttempts'>, failure: JobFailure): boolean {
  return failure.retryable && attemptsSpent(job, failure) < job.maxAttempts;
}

/** The last error kept on a job: bounded, so one huge vendor answer cannot bloat the queue. */
export const LAST_ERROR_MAX = 2_000;

/** What `discardDead` leaves as the job's last error. */
export function discardedError(lastError: string | null): string {
  return `discarded${lastError ? `: ${lastError}` : ''}`.slice(0, LAST_ERROR_MAX);
}
