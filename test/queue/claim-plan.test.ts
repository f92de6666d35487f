import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { claimStatement, dueHeads } from '../../src/store/outbox.js';
import { completeJobs, placeholders } from '../../src/store/hot-sql.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { postgresFixture, sqliteFixture, useMigratedStore } from '../support/stores.js';

/*
 * The claim's cost must follow the busy lanes, not the history: finished jobs are never read, and
 * the plan must not depend on statistics. Checked on the planner's own output, never on times.
 */

const T = 1_000_000;
const LANES = 30;
const PER_LANE = 10;
const HISTORY = 3_000;

/** A history of done jobs, then a backlog of PER_LANE pending jobs in each of LANES lanes. */
async function fill(store: SqlStore, beforeBacklog?: () => Promise<void>): Promise<void> {
  const done = sql`SELECT 'k', 'lane-' || (i % 200), '{}', 'done', 1, 3, ${T - 10}, ${T - 10}, ${T - 10}`;
  const pending = sql`SELECT 'k', 'lane-' || (i % ${LANES}), '{}', 'pending', 0, 3, ${T - 5}, ${T - 5}, NULL`;
  const columns = sql`(kind, lane, payload, status, attempts, max_attempts, run_at, created_at, finished_at)`;
  const rows = (n: number, select: typeof done) =>
    store.dialect === 'postgres'
      ? sql`INSERT INTO jobs ${columns} ${select} FROM generate_series(1, ${n}) AS s(i)`
      : sql`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) INSERT INTO jobs ${columns} ${select} FROM s`;
  await rows(HISTORY, done).execute(store.db);
  await beforeBacklog?.();
  await rows(LANES * PER_LANE, pending).execute(store.db);
}

const walk = (store: SqlStore) => dueHeads(store.dialect, T, 64);
/** The claim of the first 8 heads the walk found. */
const claim = async (store: SqlStore) => {
  const { rows } = await walk(store).execute(store.db);
  expect(rows).toHaveLength(LANES);
  return claimStatement(store.dialect, { workerId: 'w', t: T, limit: 8, leaseMs: 1_000, candidates: rows.map((r) => Number(r.id)) });
};

describe('the claim on SQLite', () => {
  const ctx = useMigratedStore(sqliteFixture);

  it('reads jobs only through the index of unfinished jobs and by id, never by a scan of the table', async () => {
    await fill(ctx.store);
    for (const statement of [walk(ctx.store), await claim(ctx.store)]) {
      const { rows } = await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${statement}`.execute(ctx.store.db);
      const reads = rows.map((r) => r.detail).filter((d) => /^(SCAN|SEARCH) /.test(d) && !/^SCAN (lanes|heads|ready|CONSTANT ROW)\b/.test(d));
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) expect(read).toMatch(/USING (INDEX jobs_open_lane|INDEX jobs_running_lane|INTEGER PRIMARY KEY)/);
    }
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe('the claim on PostgreSQL', () => {
  const ctx = useMigratedStore(postgresFixture);

  it('reads a handful of rows per lane through indexes, even when the statistics describe a table of finished jobs', async () => {
    // ANALYZE while every job is done: the statistics then say no job is pending.
    await fill(ctx.store, async () => void (await sql`ANALYZE jobs`.execute(ctx.store.db)));
    // EXPLAIN ANALYZE runs the statement: the plan with the rows each step actually read.
    const explain = async (statement: ReturnType<typeof walk>) => {
      const { rows } = await sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`.execute(ctx.store.db);
      return nodes(rows[0]!['QUERY PLAN'][0]!.Plan).filter((n) => n['Relation Name'] === 'jobs');
    };
    for (const reads of [await explain(walk(ctx.store)), await explain(await claim(ctx.store))]) {
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) {
        expect(read['Node Type']).not.toBe('Seq Scan');
        expect(['jobs_open_lane', 'jobs_running_lane', 'jobs_pkey', undefined]).toContain(read['Index Name']);
      }
      // One probe per lane, each ending on one row: nowhere near one look-up per pending job,
      // neither returned nor read and filtered out (whether a lane has a job running is asked of
      // the index of running jobs, not of each pending job of the lane).
      expect(reads.reduce((sum, n) => sum + n['Actual Rows'] * n['Actual Loops'], 0)).toBeLessThan(LANES * 3);
      expect(reads.reduce((sum, n) => sum + (n['Rows Removed by Filter'] ?? 0) * n['Actual Loops'], 0)).toBeLessThan(LANES);
    }
    const claimed = await ctx.store.db.selectFrom('jobs').select('id').where('status', '=', 'running').execute();
    expect(claimed).toHaveLength(8);

    // Their completion reads those 8 rows by id, not the index of every unfinished job, and for
    // each one probe of that index for the next job of its lane.
    const params = [T, 'w', ...claimed.flatMap((r) => [Number(r.id), 1])];
    const text = `EXPLAIN (ANALYZE, FORMAT JSON) ${placeholders('postgres', completeJobs(claimed.length))}`;
    const { rows } = await ctx.store.db.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(CompiledQuery.raw(text, params));
    const plan = nodes(rows[0]!['QUERY PLAN'][0]!.Plan);
    expect(plan[0]!['Actual Rows']).toBe(8);
    const indexReads = plan.filter((n) => n['Index Name'] !== undefined);
    expect(indexReads.length).toBeGreaterThan(0);
    const read = (index: string) => indexReads.filter((n) => n['Index Name'] === index);
    expect(read('jobs_pkey').length + read('jobs_open_lane').length).toBe(indexReads.length);
    expect(read('jobs_pkey').reduce((sum, n) => sum + n['Actual Rows'] * n['Actual Loops'], 0)).toBeLessThan(8 * 3);
    expect(read('jobs_open_lane').reduce((sum, n) => sum + n['Actual Rows'] * n['Actual Loops'], 0)).toBe(8);
  });
});
