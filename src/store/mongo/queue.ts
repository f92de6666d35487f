import type { ClientSession, WriteConcernSettings } from 'mongodb';
import { retryDelayMs } from '../../core/backoff.js';
import type { IntakeWork } from '../../core/store/intake.js';
import {
  attemptsSpent,
  discardedError,
  LAST_ERROR_MAX,
  neverStarted,
  willRetry,
  type Job,
  type JobQueue,
  type JobStatus,
  type NewJob,
  type QueueOptions,
} from '../../core/store/queue.js';
import { claimOne, dueHeads, stillHead, type Head } from './claim.js';

/** How long the heads one walk found are trusted (each is re-checked before it is claimed). */
const KNOWN_HEADS_TTL_MS = 1_000;
import { isDuplicateKey, jobDoc, jobRecord, nextId, type Collections, type JobDoc } from './collections.js';
import { jobOf, newJobRecord, summaryOf } from '../job-record.js';
import { createMongoIdentities } from './identities.js';

export interface QueueDeps {
  cols: Collections;
  /** Runs intake's unit of work in a multi-document transaction; only where the deployment has them. */
  transaction?: <T>(work: (session: ClientSession) => Promise<T>) => Promise<T>;
  /** How the job insert outside a transaction is acknowledged (a transaction's commit carries its own). */
  intakeWriteConcern?: WriteConcernSettings;
}

const toJob = (d: JobDoc, claimedAt: number) => jobOf(jobRecord(d), claimedAt);
const toSummary = (d: JobDoc) => summaryOf(jobRecord(d));

export function createMongoQueue(deps: QueueDeps, options: QueueOptions): JobQueue {
  const { cols } = deps;
  const now = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  // Due heads seen by the last walk and not yet handed out (see claim).
  const known: { heads: Head[]; at: number } = { heads: [], at: 0 };

  /** The job document is the record of the event: its unique dedupe key decides "new or repeat" in one insert. */
  async function enqueue(job: NewJob, session?: ClientSession) {
    const t = now();
    // Outside any transaction: a shared counter written inside them would make every intake conflict.
    const id = await nextId(cols, 'jobs');
    const doc = jobDoc(newJobRecord(id, job, t, options.maxAttempts));
    // In a transaction a write error aborts the whole transaction, so a repeat is looked for first there.
    if (session && doc.dedupeKey !== null && (await cols.jobs.findOne({ dedupeKey: doc.dedupeKey }, { session, projection: { _id: 1 } }))) {
      return { inserted: false, id: null };
    }
    try {
      await cols.jobs.insertOne(doc, session ? { session } : { writeConcern: deps.intakeWriteConcern });
      return { inserted: true, id };
    } catch (err) {
      if (isDuplicateKey(err, 'dedupeKey')) return { inserted: false, id: null };
      throw err;
    }
  }

  /** Still this worker's claim: `attempts` is the fencing token, so a lease taken over no longer matches. */
  const owned = (job: Job, workerId: string) => ({ _id: job.id, status: 'running' as const, lockedBy: workerId, attempts: job.attempts });

  return {
    enqueue: (job) => enqueue(job),

    async intake(work) {
      const uow = (session?: ClientSession): IntakeWork => ({
        identities: createMongoIdentities(cols, session),
        enqueue: (job) => enqueue(job, session),
      });
      // Without transactions every step is its own atomic write, the job insert last (see IntakeWork).
      return deps.transaction ? deps.transaction((session) => work(uow(session))) : work(uow());
    },

    async claim(workerId, limit) {
      if (limit <= 0) return [];
      const t = now();
      const claimed: Job[] = [];
      const tried = new Set<number>();
      const take = async (heads: Head[], check: boolean) => {
        let i = 0;
        for (; i < heads.length && claimed.length < limit; i++) {
          const head = heads[i]!;
          tried.add(head.id);
          if (check && !(await stillHead(cols, head))) continue;
          const doc = await claimOne(cols, head.id, workerId, t, options.leaseMs);
          if (doc) claimed.push(toJob(doc, t));
        }
        return heads.slice(i);
      };
      // Heads the last walk found beyond what it handed out are tried first, each re-checked: most claims need no walk.
      if (t - known.at < KNOWN_HEADS_TTL_MS) known.heads = await take(known.heads, true);
      if (claimed.length < limit) {
        const walked = (await dueHeads(cols, t)).filter((h) => !tried.has(h.id));
        known.heads = await take(walked, false);
        known.at = t;
      }
      return claimed.sort((a, b) => a.id - b.id);
    },

    async complete(job, workerId) {
      const r = await cols.jobs.updateOne(owned(job, workerId), { $set: { status: 'done', finishedAt: now(), lockedBy: null, lockedUntil: null } });
      return r.modifiedCount === 1;
    },

    async fail(job, workerId, failure) {
      const t = now();
      const lastError = failure.message.slice(0, LAST_ERROR_MAX);
      if (willRetry(job, failure)) {
        const spent = attemptsSpent(job, failure);
        const runAt = t + retryDelayMs(Math.max(1, spent), failure.retryAfterMs, random);
        const r = await cols.jobs.updateOne(owned(job, workerId), {
          $set: { status: 'pending', attempts: spent, runAt, lockedBy: null, lockedUntil: null, lastError },
        });
        return r.modifiedCount === 1 ? { outcome: 'retry', runAt } : { outcome: 'lost' };
      }
      const r = await cols.jobs.updateOne(owned(job, workerId), { $set: { status: 'dead', finishedAt: t, lockedBy: null, lockedUntil: null, lastError } });
      return r.modifiedCount === 1 ? { outcome: 'dead' } : { outcome: 'lost' };
    },

    async release(job, workerId, how) {
      const firstRun = neverStarted(job, how) ? { firstRunAt: null } : {};
      await cols.jobs.updateOne(owned(job, workerId), { $set: { status: 'pending', attempts: job.attempts - 1, lockedBy: null, lockedUntil: null, ...firstRun } });
    },

    async releaseAbandoned() {
      const r = await cols.jobs.updateMany({ status: 'running' }, { $set: { status: 'pending', lockedBy: null, lockedUntil: null, runAt: now() }, $inc: { crashes: 1 } });
      return r.modifiedCount;
    },

    async extendLeases(jobIds, workerId) {
      if (jobIds.length === 0) return;
      await cols.jobs.updateMany({ _id: { $in: jobIds }, status: 'running', lockedBy: workerId }, { $set: { lockedUntil: now() + options.leaseMs } });
    },

    async depth() {
      const groups = await cols.jobs.aggregate<{ _id: JobStatus; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }], { maxTimeMS: 10_000 }).toArray();
      const out: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, dead: 0 };
      for (const g of groups) if (g._id in out) out[g._id] = g.n;
      return out;
    },

    async recentDead(limit) {
      const docs = await cols.jobs.find({ status: 'dead' }).sort({ finishedAt: -1, _id: -1 }).limit(limit).toArray();
      return docs.map((d) => ({ id: d._id, kind: d.kind, lane: d.lane, attempts: d.attempts, lastError: d.lastError, finishedAt: d.finishedAt }));
    },

    async pruneDone(olderThan) {
      const r = await cols.jobs.deleteMany({ status: 'done', finishedAt: { $lt: olderThan } });
      return r.deletedCount;
    },

    async listJobs(filter) {
      const docs =
        filter.status === 'pending'
          ? await cols.jobs.find({ status: 'pending' }).sort({ runAt: 1, _id: 1 }).limit(filter.limit).toArray()
          : await cols.jobs.find({ status: 'dead' }).sort({ finishedAt: -1, _id: -1 }).limit(filter.limit).toArray();
      return docs.map(toSummary);
    },

    async findJob(id) {
      const doc = await cols.jobs.findOne({ _id: id });
      return doc ? toSummary(doc) : undefined;
    },

    async retryDead(id) {
      const r = await cols.jobs.updateOne(
        { _id: id, status: 'dead' },
        { $set: { status: 'pending', attempts: 0, crashes: 0, runAt: now(), finishedAt: null, lockedBy: null, lockedUntil: null } },
      );
      return r.modifiedCount === 1;
    },

    async discardDead(id) {
      const dead = await cols.jobs.findOne({ _id: id, status: 'dead' }, { projection: { lastError: 1 } });
      if (!dead) return false;
      const r = await cols.jobs.updateOne({ _id: id, status: 'dead' }, { $set: { status: 'done', finishedAt: now(), lastError: discardedError(dead.lastError) } });
      return r.modifiedCount === 1;
    },
  };
}
