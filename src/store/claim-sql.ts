import { sql, type RawBuilder } from 'kysely';
import type { JobRow } from './schema.js';
import type { Dialect } from './sql-store.js';

/** What a claim reads back of each job: what a worker gets (explicit, so a new column changes nothing here). */
export type ClaimedRow = Pick<JobRow, 'id' | 'kind' | 'lane' | 'payload' | 'attempts' | 'max_attempts' | 'crashes' | 'created_at' | 'first_run_at' | 'last_error'>;

/**
 * How many due heads one walk remembers, and for how long, so that the next claims need no walk. A
 * walk visits every lane with unfinished work whatever it keeps, so it keeps what the next several
 * claims can use (a claim takes up to a worker's slots and what it claims ahead).
 */
export const KNOWN_HEADS_MAX = 256;
export const KNOWN_HEADS_TTL_MS = 1_000;

const due = (j: string, t: number) =>
  sql`CASE ${sql.ref(`${j}.status`)} WHEN 'pending' THEN ${sql.ref(`${j}.run_at`)} <= ${t} WHEN 'running' THEN ${sql.ref(`${j}.locked_until`)} < ${t} ELSE false END`;

/**
 * The claim: those of `candidates` that are still their lane's head and due, in a lane where no
 * other job holds a live lease, become running, at most `limit`, oldest first, leased to `workerId` until `t + leaseMs`. Each is found by its id and
 * its lane's head by one probe of the partial index of unfinished jobs. On PostgreSQL heads another
 * worker is taking are skipped, and the lock re-reads each row as it is now, so the conditions are
 * checked again on it.
 *
 * A head can be younger than a running job of its lane: an operator retried an older dead job
 * while a later one runs. It waits for that one to finish (or its lease to lapse), so one lane
 * still runs one job at a time. (The `status IN` term is the partial index's own condition, which
 * SQLite needs spelled out before it probes that index.) Whether another job of the lane runs is
 * one probe of the index of running jobs (migration 14).
 */
export function claimStatement(dialect: Dialect, c: { workerId: string; t: number; limit: number; leaseMs: number; candidates: number[] }) {
  const lock = dialect === 'postgres' ? sql`FOR UPDATE OF j SKIP LOCKED` : sql``;
  return sql<ClaimedRow>`
    UPDATE jobs
       SET status = 'running', attempts = attempts + 1, locked_by = ${c.workerId}, locked_until = ${c.t + c.leaseMs},
           crashes = crashes + CASE WHEN status = 'running' THEN 1 ELSE 0 END,
           first_run_at = COALESCE(first_run_at, ${c.t})
     WHERE id IN (
       SELECT j.id FROM jobs j
        WHERE j.id IN (${sql.join(c.candidates)}) AND ${due('j', c.t)}
          AND j.id = (SELECT o.id FROM jobs o WHERE o.status IN ('pending', 'running') AND o.lane = j.lane ORDER BY o.id LIMIT 1)
          AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.status = 'running' AND r.lane = j.lane AND r.id <> j.id AND r.locked_until >= ${c.t})
        ORDER BY j.id LIMIT ${c.limit}
        ${lock})
    RETURNING id, kind, lane, payload, attempts, max_attempts, crashes, created_at, first_run_at, last_error`;
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
    // the next lane's head. Columns are named: with a `*` the statement would stay unnamed, so
    // parsed and planned on every walk (dialects.ts).
    const next = (after: RawBuilder<unknown>) => sql`
      SELECT o.lane, o.id, o.status, o.run_at, o.locked_until FROM jobs o
       WHERE o.status IN ('pending', 'running') ${after} ORDER BY o.lane, o.id LIMIT 1`;
    return sql<{ id: number }>`
      WITH RECURSIVE heads AS (
        (${next(sql``)})
        UNION ALL
        SELECT n.lane, n.id, n.status, n.run_at, n.locked_until FROM heads h CROSS JOIN LATERAL (${next(sql`AND o.lane > h.lane`)}) n
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
