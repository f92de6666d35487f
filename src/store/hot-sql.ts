import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './sql-store.js';

/*
 * The statements every job runs (intake's look-up and insert, the completion), written out once
 * instead of built by Kysely's query builder per call: building and compiling them cost more of the
 * service's CPU under webhook load than running them (bench/intake.ts with INTAKE_CPU_PROF). The
 * text of each shape is made once; only the parameters change, so SQLite's statement cache and
 * PostgreSQL's named statements (dialects.ts) reuse the compiled statement too.
 */

/** `?` placeholders as the dialect wants them (PostgreSQL numbers them). */
export function placeholders(dialect: Dialect, text: string): string {
  if (dialect === 'sqlite') return text;
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** Texts by shape, made once per dialect. */
export function statementTexts<K>(dialect: Dialect, make: (key: K) => string): (key: K) => string {
  const cache = new Map<K, string>();
  return (key) => {
    let text = cache.get(key);
    if (text === undefined) {
      text = placeholders(dialect, make(key));
      cache.set(key, text);
    }
    return text;
  };
}

export function run<R>(db: Kysely<Database>, text: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
  return db.executeQuery<R>(CompiledQuery.raw(text, [...parameters]));
}

const repeat = (n: number, one: string, sep: string) => Array.from({ length: n }, () => one).join(sep);

/** `n` jobs; those whose dedupe key is taken are left out, and the rest come back with their key. */
export const insertJobs = (n: number) => `INSERT INTO jobs (kind, lane, payload, dedupe_key, status, max_attempts, run_at, created_at)
  VALUES ${repeat(n, "(?, ?, ?, ?, 'pending', ?, ?, ?)", ', ')} ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key`;

/** The identifiers of `n` (kind, value) pairs that are known. */
export const lookupIdentifiers = (n: number) =>
  `SELECT kind, value, chat_id FROM contact_identifiers WHERE ${repeat(n, '(kind = ? AND value = ?)', ' OR ')}`;

/**
 * `n` jobs of one worker finished: each is matched by its id and its attempt (the fencing token),
 * still running under that worker; the ids that matched come back. The status is tested in a CASE
 * on purpose: a plain `status = 'running'` implies the partial index of unfinished jobs, and
 * PostgreSQL then read that whole index into a bitmap on every completion (17,608 entries at a
 * 20,000-job backlog, 70 % of the statement's time) instead of only the rows of these ids.
 * Each comes back with the next unfinished job of its lane (one probe of that index), which is now
 * its lane's head: the queue tries those at its next claim instead of walking every lane again.
 */
export const completeJobs = (n: number) =>
  `UPDATE jobs SET status = 'done', finished_at = ?, locked_by = NULL, locked_until = NULL
    WHERE CASE status WHEN 'running' THEN locked_by = ? ELSE false END AND (${repeat(n, '(id = ? AND attempts = ?)', ' OR ')})
    RETURNING id, (SELECT o.id FROM jobs o WHERE o.status IN ('pending', 'running') AND o.lane = jobs.lane AND o.id > jobs.id ORDER BY o.lane, o.id LIMIT 1) AS next`;
