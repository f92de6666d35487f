import { sql, type Kysely, type RawBuilder } from 'kysely';
import { retryDelayMs } from '../core/backoff.js';
import type { Database, JobRow, JobStatus } from './schema.js';
import type { Dialect, SqlStore } from './sql-store.js';

/** A Kysely handle: the store itself or an open transaction, so enqueueing can join the caller's. */
export type Executor = Kysely<Database>;

export interface NewJob {
  kind: string;
  /** Conversation key: FIFO within a lane, parallel across lanes. */
  lane: string;
  payload: unknown;
  /** External id of the event that caused the job (wamid, Slack event_id…); a repeat is ignored. */
  dedupeKey?: string;
  runAt?: number;
  maxAttempts?: number;
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

export type FailOutcome = { outcome: 'retry'; runAt: number } | { outcome: 'dead' } | { outcome: 'lost' };

export interface DeadJob {
  id: number;
  kind: string;
  lane: string;
  attempts: number;
  lastError: string | null;
  finishedAt: number | null;
}

/** A job as the operator console lists it (no payload: it can hold message text and numbers). */
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

export interface Outbox {
  enqueue(job: NewJob, tx?: Executor): Promise<{ inserted: boolean; id: number | null }>;
  claim(workerId: string, limit: number): Promise<Job[]>;
  complete(job: Job, workerId: string): Promise<boolean>;
  fail(job: Job, workerId: string, failure: JobFailure): Promise<FailOutcome>;
  /**
   * Gives a claimed job back (shutdown): it keeps its place, the attempt is not counted, and the
   * next run knows an earlier one started (`resumed`).
   */
  release(job: Job, workerId: string): Promise<void>;
  /**
   * Returns every job left `running` to the queue at once, counting a crash for each. Only for a
   * store no other process can use (the embedded SQLite file is locked to one process), where a
   * running job at start-up can only belong to a process that died.
   */
  releaseAbandoned(): Promise<number>;
  extendLeases(jobIds: number[], workerId: string): Promise<void>;
  depth(): Promise<Record<JobStatus, number>>;
  recentDead(limit: number): Promise<DeadJob[]>;
  /** Deletes finished jobs older than the cut-off; dead jobs stay until someone looks at them. */
  pruneDone(olderThan: number): Promise<number>;
  /** Pending jobs due first (oldest first), or dead jobs newest first, for the operator console. */
  listJobs(filter: { status: 'pending' | 'dead'; limit: number }): Promise<JobSummary[]>;
  /** A dead job runs again now, with fresh attempts and crash budget; false if it is not dead. */
  retryDead(id: number): Promise<boolean>;
  /** A dead job is set aside as done, its last error prefixed "discarded"; false if it is not dead. */
  discardDead(id: number): Promise<boolean>;
}

export interface OutboxOptions {
  leaseMs: number;
  maxAttempts: number;
  clock?: () => number;
  random?: () => number;
}

export function createOutbox(store: SqlStore, options: OutboxOptions): Outbox {
  const { db, dialect } = store;
  const now = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  // Due heads seen by the last walk and not yet handed out (see claim).
  const known = { ids: [] as number[], at: 0 };

  const owned = (job: Job, workerId: string) =>
    db
      .updateTable('jobs')
      .where('id', '=', job.id)
      .where('status', '=', 'running')
      .where('locked_by', '=', workerId)
      // attempts is the fencing token: a worker whose lease expired and was re-claimed no longer matches.
      .where('attempts', '=', job.attempts);

  return {
    async enqueue(job, tx = db) {
      const t = now();
      const result = await tx
        .insertInto('jobs')
        .values({
          kind: job.kind,
          lane: job.lane,
          payload: JSON.stringify(job.payload ?? null),
          dedupe_key: job.dedupeKey ?? null,
          status: 'pending',
          max_attempts: job.maxAttempts ?? options.maxAttempts,
          run_at: job.runAt ?? t,
          locked_until: null,
          locked_by: null,
          last_error: null,
          created_at: t,
          finished_at: null,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return result ? { inserted: true, id: Number(result.id) } : { inserted: false, id: null };
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

    async complete(job, workerId) {
      const r = await owned(job, workerId)
        .set({ status: 'done', finished_at: now(), locked_by: null, locked_until: null })
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async fail(job, workerId, failure) {
      const t = now();
      const spent = attemptsSpent(job, failure);
      const lastError = failure.message.slice(0, 2_000);
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

    async release(job, workerId) {
      await owned(job, workerId)
        .set({ status: 'pending', attempts: job.attempts - 1, locked_by: null, locked_until: null })
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
      const base = db.selectFrom('jobs').select(JOB_SUMMARY_COLUMNS).where('status', '=', filter.status).limit(Math.max(0, filter.limit));
      const rows = await (filter.status === 'pending' ? base.orderBy('run_at').orderBy('id') : base.orderBy('finished_at', 'desc').orderBy('id', 'desc')).execute();
      return rows.map(toJobSummary);
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

/** The columns of a JobSummary, and the mapping (the console reads one job by id with them too). */
export const JOB_SUMMARY_COLUMNS = ['id', 'kind', 'lane', 'status', 'attempts', 'max_attempts', 'crashes', 'last_error', 'run_at', 'created_at', 'finished_at'] as const;

export function toJobSummary(r: Pick<JobRow, (typeof JOB_SUMMARY_COLUMNS)[number]>): JobSummary {
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

/** How many due heads one walk remembers, and for how long, so that the next claims need no walk. */
const KNOWN_HEADS_MAX = 64;
const KNOWN_HEADS_TTL_MS = 1_000;

const due = (j: string, t: number) =>
  sql`CASE ${sql.ref(`${j}.status`)} WHEN 'pending' THEN ${sql.ref(`${j}.run_at`)} <= ${t} WHEN 'running' THEN ${sql.ref(`${j}.locked_until`)} < ${t} ELSE false END`;

/**
 * The claim: those of `candidates` that are still their lane's head and due become running, at
 * most `limit`, oldest first, leased to `workerId` until `t + leaseMs`. Each is found by its id and
 * its lane's head by one probe of the partial index of unfinished jobs. On PostgreSQL heads another
 * worker is taking are skipped, and the lock re-reads each row as it is now, so the conditions are
 * checked again on it.
 */
export function claimStatement(dialect: Dialect, c: { workerId: string; t: number; limit: number; leaseMs: number; candidates: number[] }) {
  const lock = dialect === 'postgres' ? sql`FOR UPDATE OF j SKIP LOCKED` : sql``;
  return sql<JobRow>`
    UPDATE jobs
       SET status = 'running', attempts = attempts + 1, locked_by = ${c.workerId}, locked_until = ${c.t + c.leaseMs},
           crashes = crashes + CASE WHEN status = 'running' THEN 1 ELSE 0 END,
           first_run_at = COALESCE(first_run_at, ${c.t})
     WHERE id IN (
       SELECT j.id FROM jobs j
        WHERE j.id IN (${sql.join(c.candidates)}) AND ${due('j', c.t)}
          AND j.id = (SELECT o.id FROM jobs o WHERE o.status IN ('pending', 'running') AND o.lane = j.lane ORDER BY o.id LIMIT 1)
        ORDER BY j.id LIMIT ${c.limit}
        ${lock})
    RETURNING *`;
}

/**
 * The ids of the due heads of up to `limit` lanes, oldest first. A lane's head is its oldest
 * unfinished job; it is due when pending and its time has come, or running with an expired lease.
 *
 * The lanes are walked through the partial index of unfinished jobs, one probe per lane (a loose
 * index scan), and each head is then read by its id: finished jobs are never read, and no step
 * leaves the planner a choice that statistics could get wrong, so the cost follows the number of
 * busy lanes, not the history. Whether a head is due is written as a CASE on purpose: a plain
 * `status IN (…)` lets PostgreSQL answer it from that partial index instead, and with a stale row
 * estimate it did, hashing every unfinished job on each claim.
 */
export function dueHeads(dialect: Dialect, t: number, limit: number) {
  if (dialect === 'postgres') {
    // One probe per lane: the first unfinished job after the previous lane, in (lane, id) order, is
    // the next lane's head.
    const next = (after: RawBuilder<unknown>) => sql`
      SELECT o.lane, o.id, o.status, o.run_at, o.locked_until FROM jobs o
       WHERE o.status IN ('pending', 'running') ${after} ORDER BY o.lane, o.id LIMIT 1`;
    return sql<{ id: number }>`
      WITH RECURSIVE heads AS (
        (${next(sql``)})
        UNION ALL
        SELECT n.* FROM heads h CROSS JOIN LATERAL (${next(sql`AND o.lane > h.lane`)}) n
      )
      SELECT h.id FROM heads h WHERE ${due('h', t)} ORDER BY h.id LIMIT ${limit}`;
  }
  // SQLite has no LATERAL: a scalar sub-query returns one column, so a lane's head is a second probe.
  return sql<{ id: number }>`
    WITH RECURSIVE lanes(lane) AS (
      SELECT (SELECT o.lane FROM jobs o WHERE o.status IN ('pending', 'running') ORDER BY o.lane LIMIT 1)
      UNION ALL
      SELECT (SELECT o.lane FROM jobs o WHERE o.status IN ('pending', 'running') AND o.lane > lanes.lane ORDER BY o.lane LIMIT 1)
        FROM lanes WHERE lanes.lane IS NOT NULL
    ), heads(id) AS (
      SELECT (SELECT o.id FROM jobs o WHERE o.status IN ('pending', 'running') AND o.lane = lanes.lane ORDER BY o.id LIMIT 1)
        FROM lanes WHERE lanes.lane IS NOT NULL
    ), ready(id) AS MATERIALIZED (
      SELECT (SELECT h.id FROM jobs h WHERE h.id = heads.id AND ${due('h', t)}) FROM heads
    )
    SELECT id FROM ready WHERE id IS NOT NULL ORDER BY id LIMIT ${limit}`;
}

/** A rate limit is not the job's fault: it does not use up an attempt. */
function attemptsSpent(job: Job, failure: JobFailure): number {
  return failure.rateLimited ? job.attempts - 1 : job.attempts;
}

/** Whether a failure sends the job back to the queue (else it is dead-lettered). */
export function willRetry(job: Job, failure: JobFailure): boolean {
  return failure.retryable && attemptsSpent(job, failure) < job.maxAttempts;
}

function toJob(row: JobRow, claimedAt: number): Job {
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
