/**
 * Queue-growth benchmark: does the queue's cost follow its backlog, or its history?
 * Run: `node --import tsx bench/queue-growth.ts` (rewrites its section of docs/BENCHMARKS.md). A few minutes.
 *
 * Claim: per store, a database holding 1 k and then 1 M jobs, all but a small backlog done (the
 * history is bulk-inserted by one SQL statement), then rounds of claim-8-and-complete; the time of
 * each claim is taken. Each round alternates the current claim with the query it replaced (kept
 * below, as the baseline from the same run). On PostgreSQL the rounds run twice: with the
 * statistics the bulk insert left (no ANALYZE) and after ANALYZE.
 * Drain: a backlog of 2 k and 20 k pending jobs over 200 lanes, drained by the real worker
 * (concurrency 8) with a no-op handler; the old claim drains the same backlog for at most
 * DRAIN_CAP_MS. Everything runs in this process against a fresh database; every wait is bounded.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql, type RawBuilder } from 'kysely';
import { createLogger } from '../src/logger.js';
import { createWorker, PREFETCH_MAX_PER_SLOT } from '../src/queue/worker.js';
import type { Job, Outbox, OutboxOptions } from '../src/store/outbox.js';
import type { SqlStore } from '../src/store/sql-store.js';
import { postgresFixture, sqliteFixture, type StoreFixture } from '../test/support/stores.js';
import { machineInfo } from './report.js';
import { cleanupAll, log, onCleanup, runBench } from './runner.js';
import { writeSection } from './sections.js';

const BENCHMARKS = new URL('../docs/BENCHMARKS.md', import.meta.url);
const SIZES = [1_000, 1_000_000];
const BACKLOG_LANES = 50;
const BACKLOG = 480;
const WARMUP = 2;
const ROUNDS = 24;
const BATCH = 8;
const DRAINS = [2_000, 20_000];
const DRAIN_LANES = 200;
const DRAIN_CAP_MS = 20_000;
/** A second drain whose handler waits this long, about a fast Slack round trip: store cost beside real work. */
const HANDLER_MS = 5;
const LEASE_MS = 30_000;
const OPTIONS: OutboxOptions = { leaseMs: LEASE_MS, maxAttempts: 3 };

type Variant = 'current' | 'old';
/** What the service runs with by default: QUEUE_PREFETCH is QUEUE_CONCURRENCY unless set. */
const PREFETCH = BATCH;
/** Each drain runs this many times, the stores and rows interleaved; the median rate is kept. */
const DRAIN_REPEATS = 3;
interface DrainRun {
  variant: Variant;
  handlerMs: number;
  prefetch: number;
}
const DRAIN_RUNS: DrainRun[] = [
  { variant: 'current', handlerMs: 0, prefetch: PREFETCH },
  { variant: 'current', handlerMs: 0, prefetch: 0 },
  { variant: 'old', handlerMs: 0, prefetch: 0 },
  { variant: 'current', handlerMs: HANDLER_MS, prefetch: PREFETCH },
  { variant: 'current', handlerMs: HANDLER_MS, prefetch: 0 },
];

/** The claim before migration 9's change: a correlated per-lane min(id) over every unfinished job. */
async function oldClaim(store: SqlStore, workerId: string, limit: number): Promise<Job[]> {
  const t = Date.now();
  const lock = store.dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const { rows } = await sql<{ id: number; attempts: number; lane: string; kind: string; payload: string; max_attempts: number; crashes: number; created_at: number }>`
    UPDATE jobs
       SET status = 'running', attempts = attempts + 1, locked_by = ${workerId}, locked_until = ${t + LEASE_MS},
           crashes = crashes + CASE WHEN status = 'running' THEN 1 ELSE 0 END,
           first_run_at = COALESCE(first_run_at, ${t})
     WHERE id IN (
       SELECT j.id FROM jobs j
        WHERE j.status IN ('pending', 'running')
          AND j.id = (SELECT min(h.id) FROM jobs h WHERE h.lane = j.lane AND h.status IN ('pending', 'running'))
          AND ((j.status = 'pending' AND j.run_at <= ${t}) OR (j.status = 'running' AND j.locked_until < ${t}))
        ORDER BY j.id
        LIMIT ${limit}
        ${lock}
     )
    RETURNING *`.execute(store.db);
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    lane: r.lane,
    payload: JSON.parse(r.payload) as unknown,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    crashes: Number(r.crashes),
    createdAt: Number(r.created_at),
    resumed: false,
    lastError: null,
  }));
}

function withClaim(store: SqlStore, variant: Variant): Outbox {
  const outbox = store.queue(OPTIONS);
  return variant === 'current' ? outbox : { ...outbox, claim: (workerId, limit) => oldClaim(store, workerId, limit) };
}

/** Inserts `count` jobs in one statement: `done` ones (history) or pending ones (a backlog), spread over `lanes`. */
async function bulkInsert(store: SqlStore, count: number, lanes: number, status: 'done' | 'pending', tag: string): Promise<void> {
  const t = Date.now() - 60_000;
  const finished = status === 'done' ? sql`${t}` : sql`NULL`;
  const columns = sql`(kind, lane, payload, dedupe_key, status, attempts, max_attempts, run_at, created_at, finished_at, first_run_at)`;
  const values = (i: RawSql) =>
    sql`SELECT 'bench', 'lane-' || (${i} % ${lanes}), '{}', ${tag} || ${i}, ${status}, ${status === 'done' ? 1 : 0}, 3, ${t}, ${t}, ${finished}, ${finished}`;
  if (store.dialect === 'postgres') {
    await sql`INSERT INTO jobs ${columns} ${values(sql`i`)} FROM generate_series(1, ${count}) AS s(i)`.execute(store.db);
  } else {
    await sql`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${count}) INSERT INTO jobs ${columns} ${values(sql`i`)} FROM s`.execute(store.db);
  }
}
type RawSql = RawBuilder<unknown>;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

interface ClaimRow {
  store: string;
  stats: string;
  size: number;
  current: { median: number; p90: number };
  old: { median: number; p90: number };
}

type Times = Record<Variant, number[]>;

/**
 * ROUNDS rounds, each claiming a batch (timed) and completing it, on every database and with both
 * queries in turn: the machine's load changes over the run, and interleaving spreads it evenly.
 */
async function claimRounds(stores: SqlStore[]): Promise<Times[]> {
  const times: Times[] = stores.map(() => ({ current: [], old: [] }));
  for (let round = 0; round < ROUNDS + WARMUP; round++) {
    for (const [i, store] of stores.entries()) {
      for (const variant of ['current', 'old'] as const) {
        const outbox = withClaim(store, variant);
        const t0 = performance.now();
        const jobs = await outbox.claim('bench', BATCH);
        if (round >= WARMUP) times[i]![variant].push(performance.now() - t0);
        if (jobs.length === 0) throw new Error(`${variant} claim found nothing in round ${round}`);
        await Promise.all(jobs.map((j) => outbox.complete(j, 'bench')));
      }
    }
  }
  return times;
}

const summary = (xs: number[]) => ({ median: median(xs), p90: p90(xs) });

async function claimBench(fixture: StoreFixture): Promise<ClaimRow[]> {
  const dbs = await Promise.all(SIZES.map(() => fixture.create()));
  for (const db of dbs) onCleanup(() => db.drop());
  const stores = await Promise.all(dbs.map((db) => db.open()));
  const rows: ClaimRow[] = [];
  try {
    for (const [i, store] of stores.entries()) {
      await store.migrate();
      const t0 = performance.now();
      await bulkInsert(store, SIZES[i]! - BACKLOG, 200, 'done', 'hist-');
      await bulkInsert(store, BACKLOG, BACKLOG_LANES, 'pending', 'backlog-');
      log(`${fixture.name}: ${SIZES[i]!.toLocaleString('en')} jobs inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const passes = fixture.name === 'postgres' ? ['as left by the insert', 'after ANALYZE'] : ['—'];
    for (const stats of passes) {
      if (stats === 'after ANALYZE') {
        for (const store of stores) {
          await sql`ANALYZE jobs`.execute(store.db);
          // A fresh backlog: the first pass used most of it up.
          await bulkInsert(store, BACKLOG, BACKLOG_LANES, 'pending', 'backlog2-');
        }
      }
      const times = await claimRounds(stores);
      for (const [i, size] of SIZES.entries()) {
        const row = { store: fixture.name, stats, size, current: summary(times[i]!.current), old: summary(times[i]!.old) };
        log(`${fixture.name} ${size} (${stats}): current ${row.current.median.toFixed(2)} ms, old ${row.old.median.toFixed(2)} ms`);
        rows.push(row);
      }
    }
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(dbs.map((db) => db.drop()));
  }
  return rows;
}

interface DrainRow extends DrainRun {
  store: string;
  backlog: number;
  drained: number;
  seconds: number;
  perSecond: number;
  /** Jobs per claim that found any. */
  perClaim: number;
}

async function drain(fixture: StoreFixture, backlog: number, { variant, handlerMs, prefetch }: DrainRun): Promise<DrainRow> {
  const db = await fixture.create();
  const store = await db.open();
  onCleanup(() => db.drop());
  try {
    await store.migrate();
    await bulkInsert(store, backlog, DRAIN_LANES, 'pending', 'drain-');
    let ran = 0;
    let lastRanAt: number | undefined;
    const outbox = withClaim(store, variant);
    let claims = 0;
    let claimed = 0;
    const counted: Outbox = {
      ...outbox,
      async claim(workerId, limit) {
        const jobs = await outbox.claim(workerId, limit);
        if (jobs.length > 0) {
          claims += 1;
          claimed += jobs.length;
        }
        return jobs;
      },
    };
    const worker = createWorker({
      outbox: counted,
      handlers: {
        bench: async () => {
          if (handlerMs > 0) await new Promise((r) => setTimeout(r, handlerMs));
          ran += 1;
          if (ran === backlog) lastRanAt = performance.now();
        },
      },
      logger: createLogger('silent'),
      concurrency: BATCH,
      prefetch,
      leaseMs: LEASE_MS,
      pollMs: 10,
    });
    // The store's connections open before the clock starts, as a running service's are (SQLite has one, already open).
    await Promise.all(Array.from({ length: BATCH }, () => sql`select 1`.execute(store.db)));
    const t0 = performance.now();
    worker.start();
    while (ran < backlog && performance.now() - t0 < DRAIN_CAP_MS) await new Promise((r) => setTimeout(r, 5));
    const end = lastRanAt ?? performance.now();
    await worker.stop(5_000);
    // Until the last job ran (not the poll that saw it, nor the worker's stop): a 2,000-job drain takes ~0.1 s.
    const seconds = (end - t0) / 1000;
    const row = { store: fixture.name, backlog, variant, handlerMs, prefetch, drained: ran, seconds, perSecond: ran / seconds, perClaim: claimed / Math.max(1, claims) };
    log(`${fixture.name} drain ${backlog} (${variant}, handler ${handlerMs} ms, prefetch ${prefetch}): ${ran} in ${seconds.toFixed(1)} s = ${row.perSecond.toFixed(0)}/s`);
    return row;
  } finally {
    await store.close();
    await db.drop();
  }
}

/** The median-rate run of one row and store. */
function medianDrain(drains: DrainRow[], store: string, backlog: number, run: DrainRun): DrainRow {
  const runs = drains
    .filter((d) => d.store === store && d.backlog === backlog && d.variant === run.variant && d.handlerMs === run.handlerMs && d.prefetch === run.prefetch)
    .sort((a, b) => a.perSecond - b.perSecond);
  return runs[Math.floor(runs.length / 2)]!;
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const storeName = (s: string) => (s === 'postgres' ? 'PostgreSQL' : 'SQLite');

/** The machine's load average at the end of the run: this machine is shared, and it shows in PostgreSQL's round trips. */
function loadNote(): string {
  const [one, five] = loadavg();
  return `Load average at the end of this run: ${one!.toFixed(1)} (1 min), ${five!.toFixed(1)} (5 min), on ${cpus().length} CPUs.`;
}

function render(claims: ClaimRow[], drains: DrainRow[], date: Date, runS: number): string {
  const m = machineInfo(date);
  const claimLines = claims.map((r) => {
    const base = claims.find((b) => b.store === r.store && b.stats === r.stats && b.size === SIZES[0])!;
    const ratio = r.current.median / base.current.median;
    const oldRatio = r.old.median / base.old.median;
    const verdict = r.size === SIZES[0] ? '—' : `**×${ratio.toFixed(2)}** (target ≤ ×1.5${ratio <= 1.5 ? ', met' : ', missed'})`;
    return `| ${storeName(r.store)} | ${r.stats} | ${r.size.toLocaleString('en')} | ${ms(r.current.median)} | ${ms(r.current.p90)} | ${verdict} | ${ms(r.old.median)} | ${ms(r.old.p90)} | ${r.size === SIZES[0] ? '—' : `×${oldRatio.toFixed(1)}`} |`;
  });
  const drainLines = DRAINS.flatMap((backlog) =>
    DRAIN_RUNS.map((run) => {
      const { variant, handlerMs, prefetch } = run;
      const lite = medianDrain(drains, 'sqlite', backlog, run);
      const pg = medianDrain(drains, 'postgres', backlog, run);
      const ratio = pg.perSecond / lite.perSecond;
      const cell = (d: DrainRow) => `${d.perSecond.toFixed(0)}${d.drained < backlog ? ` (${d.drained.toLocaleString('en')} in ${d.seconds.toFixed(0)} s, capped)` : ''}`;
      const target = variant === 'current' && handlerMs === 0 && prefetch === PREFETCH ? ` (target ≥ 80 %${ratio >= 0.8 ? ', met' : ', missed'})` : '';
      const claimName = variant === 'current' ? `current claim, QUEUE_PREFETCH=${prefetch}${prefetch === PREFETCH ? ' (the default)' : ''}` : 'old claim (baseline), no prefetch';
      return `| ${backlog.toLocaleString('en')} | ${claimName} | ${handlerMs === 0 ? 'no-op' : `waits ${handlerMs} ms`} | ${cell(lite)} | ${cell(pg)} | **${(ratio * 100).toFixed(0)} %**${target} | ${lite.perClaim.toFixed(1)} / ${pg.perClaim.toFixed(1)} |`;
    }),
  );
  return `## Queue cost against its history

Measured by \`bench/queue-growth.ts\` (\`node --import tsx bench/queue-growth.ts\` rewrites this section; this run took
${runS.toFixed(0)} s) on ${m.nproc} × ${m.cpuModel}, ${m.os}, Node.js ${m.node}, PostgreSQL on the same machine, ${date.toISOString()}.
Everything runs in one process, against a fresh database per row; the machine is shared, so compare rows of one run.

**Claim.** The \`jobs\` table holds ${SIZES.map((s) => s.toLocaleString('en')).join(' or ')} jobs: a backlog of ${BACKLOG} pending jobs over
${BACKLOG_LANES} lanes, the rest done (200 lanes), bulk-inserted by one statement. ${ROUNDS} rounds, each claiming a batch of ${BATCH} (timed) and
completing it on both databases with both queries in turn, so the machine's changing load falls on all alike. Each claim is a
fresh outbox's first, so it always walks the lanes (later claims of a running worker mostly reuse the heads a walk
found and skip it). "Old claim": the query used before migration 9 (a correlated per-lane \`min(id)\`
over every unfinished job, the outer scan in id order), kept in the benchmark as the baseline. Ratio: median at
${SIZES[1]!.toLocaleString('en')} over median at ${SIZES[0]!.toLocaleString('en')}, same store and statistics.

| Store | Planner statistics | Jobs stored | Claim median ms | p90 ms | ${SIZES[1]!.toLocaleString('en')} / ${SIZES[0]!.toLocaleString('en')} | Old claim median ms | p90 ms | Old ratio |
|---|---|---:|---:|---:|---|---:|---:|---:|
${claimLines.join('\n')}

**Drain.** A backlog of pending jobs over ${DRAIN_LANES} lanes (bulk-inserted), drained by the real worker
(\`src/queue/worker.ts\`, concurrency ${BATCH}), jobs per second from the worker's start to the moment the last job ran (the store's
connections are opened first, as a running service's are); a run is stopped after
${DRAIN_CAP_MS / 1000} s and its rate taken from what it drained by then ("capped"). Each row ran ${DRAIN_REPEATS} times per store, the
stores and rows interleaved; the median run is shown. The target rows have a no-op handler, so they
measure the queue alone, with the worker as the service runs it (\`QUEUE_PREFETCH\` defaults to \`QUEUE_CONCURRENCY\`, ${PREFETCH}: a
batch is claimed ahead of the free slots, and more, up to ${PREFETCH_MAX_PER_SLOT} per slot, while jobs finish faster than a claim comes back).
The rows with \`QUEUE_PREFETCH=0\` claim only for free slots, as before. The rows whose handler waits ${HANDLER_MS} ms, about a fast
Slack round trip, show the queue's cost beside real work. Jobs per claim: the mean over the claims that found any.

| Backlog | Claim | Handler | SQLite jobs/s | PostgreSQL jobs/s | PostgreSQL / SQLite | Jobs per claim, SQLite / PostgreSQL |
|---|---|---|---:|---:|---:|---:|
${drainLines.join('\n')}

Reading it: the claim no longer reads finished jobs (the old one scanned them on SQLite) and no longer runs a
sub-query per pending job (the old one did on PostgreSQL at a deep backlog); since migration 14 it asks whether a lane
has a job running of a small index of running jobs, and a completion reads its jobs by id (before, PostgreSQL read the
whole index of unfinished jobs for each). What still separates the stores when the handler does nothing is where the
queue's statements run: on SQLite a function call in the worker's own thread with no flush (\`synchronous = NORMAL\` in WAL
mode), on PostgreSQL a round trip to another process, a commit and the driver's work on each side. Claiming ahead lets
the next claim travel while the jobs claimed before it run, and no-op jobs finish faster than any claim, so the worker claims
up to its bound ahead: larger claims, fewer round trips. On PostgreSQL completions commit without waiting for the WAL flush
(README, "Stores"); claims still wait for it. What is left is the claim's own work per job on PostgreSQL: in a scratch
run of claims of 64 (auto_explain) locking and updating each claimed row took ~45 µs of one backend, and in a scratch
drain two claims at once were slower, not faster (they contend for the same pages). At 20,000 the figure sits at the target
within this machine's run-to-run noise (80 % and 78 % in two runs of 2026-12-08). A 2,000-job drain lasts about a tenth of a
second, and on PostgreSQL its first claims (on fresh connections, preparing their statements: 4-7 ms each in a scratch
timeline, against ~3 ms later) are a good part of it; its steady rate after the first 500 jobs was ~20,000 jobs/s there, which
is still ~65 % of SQLite's at that size. Real work in the handler narrows the gap. ${loadNote()}`;
}

async function main(): Promise<void> {
  const date = new Date();
  const t0 = performance.now();
  const claims: ClaimRow[] = [];
  const only = process.env.QUEUE_GROWTH_ONLY;
  if (only !== 'drain') for (const fixture of [sqliteFixture, postgresFixture]) claims.push(...(await claimBench(fixture)));
  const drains: DrainRow[] = [];
  for (const backlog of only === 'claim' ? [] : DRAINS) {
    for (let repeat = 0; repeat < DRAIN_REPEATS; repeat++) {
      for (const run of DRAIN_RUNS) {
        for (const fixture of [sqliteFixture, postgresFixture]) drains.push(await drain(fixture, backlog, run));
      }
    }
  }
  if (only === undefined) writeSection(BENCHMARKS, 'queue-growth', render(claims, drains, date, (performance.now() - t0) / 1000));
  log('wrote the queue-growth section of docs/BENCHMARKS.md');
  await cleanupAll();
}

runBench(main);
