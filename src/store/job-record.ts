import type { Job, JobStatus, JobSummary, NewJob } from '../core/store/queue.js';

/**
 * One job as the stores that keep a record per job hold it (in memory, MongoDB): the SQL row's
 * fields, payload as JSON text so what comes back is a copy of what was queued, times in epoch ms.
 */
export interface JobRecord {
  id: number;
  kind: string;
  lane: string;
  payload: string;
  /** Unique among the jobs that have one. */
  dedupeKey: string | null;
  status: JobStatus;
  attempts: number;
  /** Leases that expired on this job (its worker died or hung): bounded by the crash budget. */
  crashes: number;
  maxAttempts: number;
  runAt: number;
  lockedUntil: number | null;
  lockedBy: string | null;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
  /** When the job was first claimed; null until then. */
  firstRunAt: number | null;
}

export function newJobRecord(id: number, job: NewJob, t: number, defaultMaxAttempts: number): JobRecord {
  return {
    id,
    kind: job.kind,
    lane: job.lane,
    payload: JSON.stringify(job.payload ?? null),
    dedupeKey: job.dedupeKey ?? null,
    status: 'pending',
    attempts: 0,
    crashes: 0,
    maxAttempts: job.maxAttempts ?? defaultMaxAttempts,
    runAt: job.runAt ?? t,
    lockedUntil: null,
    lockedBy: null,
    lastError: null,
    createdAt: t,
    finishedAt: null,
    firstRunAt: null,
  };
}

/** The job as a worker gets it from a claim at `claimedAt`. */
export function jobOf(r: JobRecord, claimedAt: number): Job {
  return {
    id: r.id,
    kind: r.kind,
    lane: r.lane,
    payload: JSON.parse(r.payload) as unknown,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    crashes: r.crashes,
    createdAt: r.createdAt,
    resumed: r.firstRunAt !== null && r.firstRunAt < claimedAt,
    lastError: r.lastError,
  };
}

/** The job as the operator console lists it (no payload). */
export function summaryOf(r: JobRecord): JobSummary {
  const { id, kind, lane, status, attempts, maxAttempts, crashes, lastError, runAt, createdAt, finishedAt } = r;
  return { id, kind, lane, status, attempts, maxAttempts, crashes, lastError, runAt, createdAt, finishedAt };
}
