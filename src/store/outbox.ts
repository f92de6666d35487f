import { sql, type Kysely } from 'kysely';
import { retryDelayMs } from '../core/backoff.js';
import {
  attemptsSpent,
  LAST_ERROR_MAX,
  neverStarted,
  willRetry,
  type Job,
  type JobQueue,
  type JobStatus,
  type JobSummary,
  type QueueOptions,
} from '../core/store/queue.js';
import { claimStatement, dueHeads, KNOWN_HEADS_MAX, KNOWN_HEADS_TTL_MS, type ClaimedRow } from './claim-sql.js';
import { createBatcher, createGroupCommit } from './batching.js';
import { completeJobs, run, statementTexts } from './hot-sql.js';
import { createIntakeTransaction, insertSingle, type IntakeTransaction } from './intake-batch.js';
import type { Database, JobRow } from './schema.js';
import type { Dialect } from './sql-store.js';

export type { DeadJob, FailOutcome, Job, JobFailure, JobSummary, NewJob } from '../core/store/queue.js';
export { claimStatement, dueHeads, willRetry };
/** The queue port under its first name (the worker, Jira jobs and the admin page use it). */
export type Outbox = JobQueue;
export type OutboxOptions = QueueOptions;

/** Most intake units of work committed together, and most jobs one completion finishes. */
const INTAKE_BATCH_MAX = 64;
const COMPLETE_BATCH_MAX = 64;
/** Completions at PostgreSQL at once (its store keeps as many connections for them: postgres.ts). */
export const COMPLETE_IN_FLIGHT = 2;

const completeTexts = { sqlite: statementTexts('sqlite', completeJobs), postgres: statementTexts('postgres', completeJobs) };

/**
 * Runs intake's units of work: concurrent ones share a transaction (group commit, batching.ts).
 * One per store, so every queue handle's intakes join the same batches.
 */
export type SqlIntake = <T>(work: (trx: IntakeTransaction) => Promise<T>) => Promise<T>;

export function createSqlIntake(db: Kysely<Database>, dialect: Dialect): SqlIntake {
  // SQLite has one connection; PostgreSQL a pool, shared with the worker and everything else.
  return createGroupCommit<IntakeTransaction>((fn) => db.transaction().execute((trx) => fn(createIntakeTransaction(trx, dialect))), {
    maxBatch: INTAKE_BATCH_MAX,
    maxInFlight: dialect === 'postgres' ? 2 : 1,
  });
}

export function createSqlQueue(
  db: Kysely<Database>,
  dialect: Dialect,
  options: QueueOptions,
  intake = createSqlIntake(db, dialect),
  /** Where completions are written (SqlStoreParts.settled); `db` by default. */
  settled = db,
): JobQueue {
  const now = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  // Due heads seen by the last walk and not yet handed out (see claim), and the jobs that became
  // their lane's head when the job before them was marked done here (completeJobs returns them):
  // in a busy queue claims then rarely need a walk. Any of them may be stale; the claim checks each.
  const known = { ids: [] as number[], at: 0 };
  // Jobs that finish together are marked done by one statement per worker (one commit, not one each).
  const complete = createBatcher<{ job: Job; workerId: string }, boolean>(
    async (calls) => {
      const outcomes = new Map<string, PromiseSettledResult<Set<number>>>();
      for (const workerId of new Set(calls.map((c) => c.workerId))) {
        const mine = calls.filter((c) => c.workerId === workerId);
        const params = [now(), workerId, ...mine.flatMap((c) => [c.job.id, c.job.attempts])];
        try {
          const { rows } = await run<{ id: number | string; next: number | string | null }>(settled, completeTexts[dialect](mine.length), params);
          // Each finished job names the job after it in its lane: the next claim tries those before any walk.
          for (const r of rows) if (r.next !== null && known.ids.length < KNOWN_HEADS_MAX) known.ids.push(Number(r.next));
          outcomes.set(workerId, { status: 'fulfilled', value: new Set(rows.map((r) => Number(r.id))) });
        } catch (reason) {
          outcomes.set(workerId, { status: 'rejected', reason });
        }
      }
      return calls.map((c): PromiseSettledResult<boolean> => {
        const o = outcomes.get(c.workerId)!;
        return o.status === 'fulfilled' ? { status: 'fulfilled', value: o.value.has(c.job.id) } : o;
      });
    },
    { maxBatch: COMPLETE_BATCH_MAX, maxInFlight: dialect === 'postgres' ? COMPLETE_IN_FLIGHT : 1 },
  );

  const owned = (job: Job, workerId: string) =>
    db
      .updateTable('jobs')
      .where('id', '=', job.id)
      .where('status', '=', 'running')
      .where('locked_by', '=', workerId)
      // attempts is the fencing token: a worker whose lease expired and was re-claimed no longer matches.
      .where('attempts', '=', job.attempts);

  return {
    enqueue: (job) => insertSingle(db, dialect, job, now(), options.maxAttempts),

    intake(work) {
      // One transaction: the identities the work resolves and the jobs it queues land together or not at all.
      return intake((trx) =>
        work({ identities: trx.identities, enqueue: (job) => trx.insertJob(job, now(), options.maxAttempts) }),
      );
    },

    async claim(workerId, limit) {
      if (limit <= 0) return [];
      const t = now();
      const take = async (candidates: number[], n: number) =>
        candidates.length === 0 || n <= 0
          ? []
          : (await claimStatement(dialect, { workerId, t, limit: n, leaseMs: options.leaseMs, candidates }).execute(db)).rows;
      // Heads the last walk found beyond what it handed out are tried first: one statement, no walk.
      const fresh = t - known.at < KNOWN_HEADS_TTL_MS ? known.ids.splice(0, limit) : [];
      const rows = await take(fresh, limit);
      if (rows.length < limit) {
        const { rows: due } = await dueHeads(dialect, t, KNOWN_HEADS_MAX).execute(db);
        const ids = due.map((r) => Number(r.id)).filter((id) => !rows.some((row) => Number(row.id) === id));
        const need = limit - rows.length;
        rows.push(...(await take(ids.slice(0, need), need)));
        known.ids = ids.slice(need);
        known.at = t;
      }
      return rows.map((row) => toJob(row, t)).sort((a, b) => a.id - b.id);
    },

    complete: (job, workerId) => complete({ job, workerId }),

    async fail(job, workerId, failure) {
      const t = now();
      const spent = attemptsSpent(job, failure);
      const lastError = failure.message.slice(0, LAST_ERROR_MAX);
      if (willRetry(job, failure)) {
        const runAt = t + retryDelayMs(Math.max(1, spent), failure.retryAfterMs, random);
        const r = await owned(job, workerId)
          .set({ status: 'pending', attempts: spent, run_at: runAt, locked_by: null, locked_until: null, last_error: lastError })
          .executeTakeFirst();
        return Number(r.numUpdatedRows) === 1 ? { outcome: 'retry', runAt } : { outcome: 'lost' };
      }
      const r = await owned(job, workerId)
        .set({ status: 'dead', finished_at: t, locked_by: null, locked_until: null, last_error: lastError })
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1 ? { outcome: 'dead' } : { outcome: 'lost' };
    },

    async release(job, workerId, how) {
      await owned(job, workerId)
        .set({ status: 'pending', attempts: job.attempts - 1, locked_by: null, locked_until: null, ...(neverStarted(job, how) ? { first_run_at: null } : {}) })
        .execute();
    },

    async releaseAbandoned() {
      const r = await db
        .updateTable('jobs')
        .set((eb) => ({ status: 'pending', locked_by: null, locked_until: null, run_at: now(), crashes: eb('crashes', '+', 1) }))
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async extendLeases(jobIds, workerId) {
      if (jobIds.length === 0) return;
      await db
        .updateTable('jobs')
        .set({ locked_until: now() + options.leaseMs })
        .where('id', 'in', jobIds)
        .where('status', '=', 'running')
        .where('locked_by', '=', workerId)
        .execute();
    },

    async depth() {
      // One count per status, each answered from its partial index rather than a scan of every job.
      const { rows } = await sql<Record<JobStatus, number | string>>`
        SELECT (SELECT count(*) FROM jobs WHERE status IN ('pending', 'running') AND status = 'pending') AS pending,
               (SELECT count(*) FROM jobs WHERE status IN ('pending', 'running') AND status = 'running') AS running,
               (SELECT count(*) FROM jobs WHERE status = 'done') AS done,
               (SELECT count(*) FROM jobs WHERE status = 'dead') AS dead`.execute(db);
      const r = rows[0]!;
      return { pending: Number(r.pending), running: Number(r.running), done: Number(r.done), dead: Number(r.dead) };
    },

    async recentDead(limit) {
      const rows = await db
        .selectFrom('jobs')
        .select(['id', 'kind', 'lane', 'attempts', 'last_error', 'finished_at'])
        .where('status', '=', 'dead')
        .orderBy('finished_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        kind: r.kind,
        lane: r.lane,
        attempts: r.attempts,
        lastError: r.last_error,
        finishedAt: r.finished_at,
      }));
    },

    async pruneDone(olderThan) {
      const r = await db.deleteFrom('jobs').where('status', '=', 'done').where('finished_at', '<', olderThan).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async listJobs(filter) {
      const base = db.selectFrom('jobs').select(SUMMARY_COLUMNS).where('status', '=', filter.status).limit(Math.max(0, filter.limit));
      const rows = await (filter.status === 'pending' ? base.orderBy('run_at').orderBy('id') : base.orderBy('finished_at', 'desc').orderBy('id', 'desc')).execute();
      return rows.map(toSummary);
    },

    async findJob(id) {
      const row = await db.selectFrom('jobs').select(SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row && toSummary(row);
    },

    async retryDead(id) {
      // finished_at cleared: a pending job is not finished, and pruneDone must never see it.
      const r = await db
        .updateTable('jobs')
        .set({ status: 'pending', attempts: 0, crashes: 0, run_at: now(), finished_at: null, locked_by: null, locked_until: null })
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async discardDead(id) {
      // Done, so pruneDone removes it with the rest after the retention period; the dedupe key stays taken until then.
      const r = await db
        .updateTable('jobs')
        .set((eb) => ({ status: 'done', finished_at: now(), last_error: sql<string>`'discarded' || COALESCE(': ' || ${eb.ref('last_error')}, '')` }))
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

const SUMMARY_COLUMNS = ['id', 'kind', 'lane', 'status', 'attempts', 'max_attempts', 'crashes', 'last_error', 'run_at', 'created_at', 'finished_at'] as const;

function toSummary(r: Pick<JobRow, (typeof SUMMARY_COLUMNS)[number]>): JobSummary {
  return {
    id: Number(r.id),
    kind: r.kind,
    lane: r.lane,
    status: r.status,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    crashes: Number(r.crashes),
    lastError: r.last_error,
    runAt: Number(r.run_at),
    createdAt: Number(r.created_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

function toJob(row: ClaimedRow, claimedAt: number): Job {
  const firstRunAt = row.first_run_at === null ? null : Number(row.first_run_at);
  return {
    id: Number(row.id),
    kind: row.kind,
    lane: row.lane,
    payload: JSON.parse(row.payload) as unknown,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    crashes: Number(row.crashes),
    createdAt: Number(row.created_at),
    resumed: firstRunAt !== null && firstRunAt < claimedAt,
    lastError: row.last_error,
  };
}
