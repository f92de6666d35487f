import { retryDelayMs } from '../../core/backoff.js';
import {
  attemptsSpent,
  discardedError,
  LAST_ERROR_MAX,
  neverStarted,
  willRetry,
  type EnqueueResult,
  type Job,
  type JobQueue,
  type JobStatus,
  type NewJob,
  type QueueOptions,
} from '../../core/store/queue.js';
import type { IntakeWork } from '../../core/store/intake.js';
import type { MemoryIdentities } from './identities.js';
import { jobOf, newJobRecord, summaryOf, type JobRecord } from '../job-record.js';

/** The jobs of one in-memory store, shared by every queue handle on it. */
export interface MemoryJobs {
  byId: Map<number, JobRecord>;
  byDedupeKey: Map<string, number>;
  nextId: number;
  /** Intake units run one at a time, so a unit's staged jobs and identities are its own (see intake). */
  intakeLock: Promise<unknown>;
}

export function createMemoryJobs(): MemoryJobs {
  return { byId: new Map(), byDedupeKey: new Map(), nextId: 1, intakeLock: Promise.resolve() };
}

const unfinished = (j: JobRecord) => j.status === 'pending' || j.status === 'running';

/** The queue on a Map, with the SQL stores' semantics (lanes, leases, fencing, crashes, dead letters). */
export function createMemoryQueue(jobs: MemoryJobs, identities: MemoryIdentities, options: QueueOptions): JobQueue {
  const now = options.clock ?? Date.now;
  const random = options.random ?? Math.random;

  const record = (job: NewJob, t: number): JobRecord | undefined => {
    if (job.dedupeKey !== undefined && jobs.byDedupeKey.has(job.dedupeKey)) return undefined;
    return newJobRecord(jobs.nextId++, job, t, options.maxAttempts);
  };
  const add = (r: JobRecord) => {
    jobs.byId.set(r.id, r);
    if (r.dedupeKey !== null) jobs.byDedupeKey.set(r.dedupeKey, r.id);
  };
  const owned = (job: Job, workerId: string): JobRecord | undefined => {
    const r = jobs.byId.get(job.id);
    // attempts is the fencing token: a worker whose lease expired and was re-claimed no longer matches.
    return r && r.status === 'running' && r.lockedBy === workerId && r.attempts === job.attempts ? r : undefined;
  };
  const unlock = (r: JobRecord) => {
    r.lockedBy = null;
    r.lockedUntil = null;
  };

  return {
    async enqueue(job) {
      const r = record(job, now());
      if (!r) return { inserted: false, id: null };
      add(r);
      return { inserted: true, id: r.id };
    },

    async intake<T>(work: (uow: IntakeWork) => Promise<T>): Promise<T> {
      // Serialised and staged: the unit's jobs become visible (and its identities stay) only if it resolves.
      const run = jobs.intakeLock.then(async () => {
        const staged: JobRecord[] = [];
        const tx = identities.begin();
        try {
          const result = await work({
            identities: tx.store,
            async enqueue(job): Promise<EnqueueResult> {
              if (job.dedupeKey !== undefined && staged.some((s) => s.dedupeKey === job.dedupeKey)) return { inserted: false, id: null };
              const r = record(job, now());
              if (!r) return { inserted: false, id: null };
              staged.push(r);
              return { inserted: true, id: r.id };
            },
          });
          staged.forEach(add);
          return result;
        } catch (err) {
          tx.rollback();
          throw err;
        }
      });
      jobs.intakeLock = run.catch(() => undefined);
      return run;
    },

    async claim(workerId, limit) {
      if (limit <= 0) return [];
      const t = now();
      const heads = new Map<string, JobRecord>();
      // A lane whose job holds a live lease waits, even when an older job (a retried dead one) heads it.
      const leased = new Set<string>();
      for (const r of jobs.byId.values()) {
        if (!unfinished(r)) continue;
        if (r.status === 'running' && (r.lockedUntil ?? 0) >= t) leased.add(r.lane);
        const head = heads.get(r.lane);
        if (!head || r.id < head.id) heads.set(r.lane, r);
      }
      const due = [...heads.values()]
        .filter((h) => !leased.has(h.lane) && (h.status === 'pending' ? h.runAt <= t : (h.lockedUntil ?? 0) < t))
        .sort((a, b) => a.id - b.id)
        .slice(0, limit);
      return due.map((r) => {
        if (r.status === 'running') r.crashes += 1;
        r.status = 'running';
        r.attempts += 1;
        r.lockedBy = workerId;
        r.lockedUntil = t + options.leaseMs;
        r.firstRunAt ??= t;
        return jobOf(r, t);
      });
    },

    async complete(job, workerId) {
      const r = owned(job, workerId);
      if (!r) return false;
      r.status = 'done';
      r.finishedAt = now();
      unlock(r);
      return true;
    },

    async fail(job, workerId, failure) {
      const r = owned(job, workerId);
      if (!r) return { outcome: 'lost' };
      const t = now();
      unlock(r);
      r.lastError = failure.message.slice(0, LAST_ERROR_MAX);
      if (willRetry(job, failure)) {
        const spent = attemptsSpent(job, failure);
        const runAt = t + retryDelayMs(Math.max(1, spent), failure.retryAfterMs, random);
        Object.assign(r, { status: 'pending', attempts: spent, runAt });
        return { outcome: 'retry', runAt };
      }
      Object.assign(r, { status: 'dead', finishedAt: t });
      return { outcome: 'dead' };
    },

    async release(job, workerId, how) {
      const r = owned(job, workerId);
      if (!r) return;
      r.status = 'pending';
      r.attempts = job.attempts - 1;
      if (neverStarted(job, how)) r.firstRunAt = null;
      unlock(r);
    },

    async releaseAbandoned() {
      const t = now();
      let n = 0;
      for (const r of jobs.byId.values()) {
        if (r.status !== 'running') continue;
        Object.assign(r, { status: 'pending', runAt: t, crashes: r.crashes + 1 });
        unlock(r);
        n += 1;
      }
      return n;
    },

    async extendLeases(jobIds, workerId) {
      for (const id of jobIds) {
        const r = jobs.byId.get(id);
        if (r && r.status === 'running' && r.lockedBy === workerId) r.lockedUntil = now() + options.leaseMs;
      }
    },

    async depth() {
      const out: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, dead: 0 };
      for (const r of jobs.byId.values()) out[r.status] += 1;
      return out;
    },

    async recentDead(limit) {
      return deadNewestFirst(jobs)
        .slice(0, limit)
        .map((r) => ({ id: r.id, kind: r.kind, lane: r.lane, attempts: r.attempts, lastError: r.lastError, finishedAt: r.finishedAt }));
    },

    async pruneDone(olderThan) {
      let n = 0;
      for (const r of [...jobs.byId.values()]) {
        if (r.status !== 'done' || r.finishedAt === null || r.finishedAt >= olderThan) continue;
        jobs.byId.delete(r.id);
        if (r.dedupeKey !== null) jobs.byDedupeKey.delete(r.dedupeKey);
        n += 1;
      }
      return n;
    },

    async listJobs(filter) {
      const limit = Math.max(0, filter.limit);
      const rows =
        filter.status === 'pending'
          ? [...jobs.byId.values()].filter((r) => r.status === 'pending').sort((a, b) => a.runAt - b.runAt || a.id - b.id)
          : deadNewestFirst(jobs);
      return rows.slice(0, limit).map(summaryOf);
    },

    async findJob(id) {
      const r = jobs.byId.get(id);
      return r && summaryOf(r);
    },

    async retryDead(id) {
      const r = jobs.byId.get(id);
      if (r?.status !== 'dead') return false;
      Object.assign(r, { status: 'pending', attempts: 0, crashes: 0, runAt: now(), finishedAt: null });
      unlock(r);
      return true;
    },

    async discardDead(id) {
      const r = jobs.byId.get(id);
      if (r?.status !== 'dead') return false;
      Object.assign(r, { status: 'done', finishedAt: now(), lastError: discardedError(r.lastError) });
      return true;
    },
  };
}

function deadNewestFirst(jobs: MemoryJobs): JobRecord[] {
  return [...jobs.byId.values()].filter((r) => r.status === 'dead').sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0) || b.id - a.id);
}

