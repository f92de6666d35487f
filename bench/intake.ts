/**
 * Intake against the no-op route, with an independent load generator. Run:
 * `node --import tsx bench/intake.ts` (writes its section of docs/BENCHMARKS.md).
 *
 * The service runs alone in a child process (bench/serve.ts), once on SQLite and once on
 * PostgreSQL, with its worker running throughout, as deployed. The load comes from autocannon in a
 * third process (bench/autocannon-child.ts), so neither the generator nor the fakes share an event
 * loop with what is measured. Per store: 200 cards are created first, then no-op and webhook
 * phases alternate (no-op, webhook, no-op, webhook), each after a short warm-up, with the queue
 * drained before each phase so every phase starts alike. The figure is the webhook phases' accepted
 * requests per second over the no-op phases'.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createFakeGraph } from '../test/fakes/graph.js';
import { createFakeSlack } from '../test/fakes/slack.js';
import { postgresFixture, sqliteFixture, type StoreFixture } from '../test/support/stores.js';
import { serviceEnv, startService, type ServiceHandle } from './child.js';
import { closedLoop, contactNumber, epochMs, PHONE_NUMBER_ID, textWebhook } from './load.js';
import { machineInfo } from './report.js';
import { cleanupAll, log, onCleanup, runBench, withServiceBuild } from './runner.js';
import { writeSection } from './sections.js';

const CHANNEL = 'C0123456789';
const S = { contacts: 200, connections: 32, warmupS: 2, measureS: 10, rounds: 2, drainTimeoutMs: 120_000 };
/**
 * For looking into it rather than for the record (the section is then left alone):
 * INTAKE_STORES=sqlite (or postgres) runs one store, INTAKE_ROUNDS=n that many rounds,
 * INTAKE_CPU_PROF=<dir> starts the service with `--cpu-prof` into that directory.
 */
const ONLY = process.env.INTAKE_STORES?.split(',');
const ROUNDS = Number(process.env.INTAKE_ROUNDS ?? S.rounds);
const PROFILE = process.env.INTAKE_CPU_PROF;
const TARGET: Record<string, number> = { sqlite: 25, postgres: 20 };
const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./autocannon-child.ts', import.meta.url));

interface Phase {
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  okPerSecond: number;
  p50: number;
  p99: number;
  next: number;
  /** The service's CPU time (user + system, every thread) over the phase, in µs. */
  serviceCpuUs: number;
}

let seq = 1_000_000;

async function autocannon(svc: ServiceHandle, kind: 'noop' | 'webhook', seconds: number): Promise<Phase> {
  const port = svc.port;
  const c0 = await svc.cpu();
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, String(port), kind, String(seconds), String(S.connections), String(seq)], {
    timeout: (seconds + 60) * 1000,
    maxBuffer: 1 << 20,
  });
  const c1 = await svc.cpu();
  const phase = JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<Phase, 'serviceCpuUs'>;
  seq = phase.next;
  return { ...phase, serviceCpuUs: c1.user - c0.user + c1.system - c0.system };
}

async function drain(svc: ServiceHandle): Promise<void> {
  const deadline = performance.now() + S.drainTimeoutMs;
  for (;;) {
    const d = await svc.depth();
    if ((d.pending ?? 0) === 0 && (d.running ?? 0) === 0) return;
    if (performance.now() > deadline) throw new Error(`queue did not drain in ${S.drainTimeoutMs} ms: ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface StoreResult {
  store: string;
  noop: Phase[];
  webhook: Phase[];
}

async function runStore(fixture: StoreFixture, entry: string): Promise<StoreResult> {
  const db = await fixture.create();
  onCleanup(() => db.drop());
  const slack = await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }], now: epochMs });
  onCleanup(() => slack.close());
  const graph = await createFakeGraph({ token: 'bench-graph-token', phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '15550783881' });
  onCleanup(() => graph.close());
  const svc = await startService(
    entry,
    serviceEnv({ databaseUrl: db.url, slack, graphUrl: graph.url, channel: CHANNEL }, { SLACK_POSTS_PER_SECOND: '100000', SLACK_POST_BURST: '100000' }),
    PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [],
  );
  onCleanup(() => svc.close());
  log(`${fixture.name}: service pid ${svc.pid}, creating ${S.contacts} cards`);
  const warm = await closedLoop({ port: svc.port, connections: 8, durationMs: 30_000, maxRequests: S.contacts, make: (i) => textWebhook(i, contactNumber(i), 'Hello, warming up') });
  if (warm.ok !== S.contacts) throw new Error(`warm-up: ${warm.ok}/${S.contacts} accepted`);
  await drain(svc);

  const result: StoreResult = { store: fixture.name, noop: [], webhook: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ['noop', 'webhook'] as const) {
      await drain(svc);
      await autocannon(svc, kind, S.warmupS);
      await drain(svc);
      const phase = await autocannon(svc, kind, S.measureS);
      result[kind].push(phase);
      log(`${fixture.name}: ${kind} round ${round + 1}: ${phase.okPerSecond.toFixed(0)} accepted/s, service CPU ${(phase.serviceCpuUs / phase.ok).toFixed(0)} µs each (non-2xx ${phase.non2xx}, errors ${phase.errors})`);
    }
  }
  await cleanupAll();
  return result;
}

const rate = (phases: Phase[]) => phases.reduce((a, p) => a + p.ok, 0) / phases.reduce((a, p) => a + p.seconds, 0);

function render(results: StoreResult[], started: Date, totalS: number): string {
  const m = machineInfo(started);
  const rows = results.map((r) => {
    const noop = rate(r.noop);
    const hook = rate(r.webhook);
    const pct = (hook / noop) * 100;
    const worst = (phases: Phase[]) => Math.max(...phases.map((p) => p.p99));
    const failed = [...r.noop, ...r.webhook].reduce((a, p) => a + p.non2xx + p.errors + p.timeouts, 0);
    const cpu = (phases: Phase[]) => (phases.reduce((a, p) => a + p.serviceCpuUs, 0) / phases.reduce((a, p) => a + p.ok, 0)).toFixed(0);
    return `| ${r.store} | ${noop.toFixed(0)} | ${hook.toFixed(0)} | **${pct.toFixed(0)} %** | ≥ ${TARGET[r.store]} % | ${pct >= TARGET[r.store]! ? 'met' : 'not met'} | ${worst(r.noop)} / ${worst(r.webhook)} ms | ${cpu(r.noop)} / ${cpu(r.webhook)} µs | ${failed} |`;
  });
  return [
    '## Intake against the no-op route, with an independent load generator',
    '',
    `Command: \`node --import tsx bench/intake.ts\` (${totalS.toFixed(0)} s). Machine: ${m.nproc} × ${m.cpuModel}, ${m.totalMemory}, ${m.os}, Node ${m.node}, ${m.date}.`,
    '',
    `The service runs alone in a child process with its worker running in every phase; autocannon 8 runs in a third process (${S.connections} connections, ${S.measureS} s per phase after ${S.warmupS} s of warm-up). No-op and webhook phases alternate, ${S.rounds} of each, the queue drained before each. The no-op route (\`/bench/noop\`, bench/serve.ts) parses the same JSON body and answers; the webhook phase sends the same body signed to \`/webhooks/whatsapp\`, each with its own wamid, to ${S.contacts} existing contacts, so every request is verified, recorded and queued (and the worker posts each to the fake Slack meanwhile). The baseline is the no-op route of the same run.`,
    '',
    '| store | no-op accepted/s | webhooks accepted/s | webhooks / no-op | target | | p99 no-op / webhook | service CPU per request, no-op / webhook | failed requests |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
    ...rows,
    '',
    'Each phase: ' +
      results
        .map((r) => `${r.store} no-op ${r.noop.map((p) => p.okPerSecond.toFixed(0)).join(', ')}; webhooks ${r.webhook.map((p) => p.okPerSecond.toFixed(0)).join(', ')}`)
        .join('. ') +
      ' (accepted/s).',
    '',
    'Service CPU per request: the service process\'s user + system time over a phase (every thread) divided by the requests it accepted; in the webhook phase it includes the worker posting each message to the fake Slack. It depends less than the rates on what else the shared machine runs, but not nothing (cache and scheduling contention raise it). ' +
      `Load average at the end of this run: ${loadavg()[0]!.toFixed(1)} (1 min), ${loadavg()[1]!.toFixed(1)} (5 min), on ${m.nproc} CPUs.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const results = await withServiceBuild(async (entry) => {
    const done: StoreResult[] = [];
    for (const fixture of [sqliteFixture, postgresFixture].filter((f) => !ONLY || ONLY.includes(f.name))) done.push(await runStore(fixture, entry));
    return done;
  });
  if (ONLY || ROUNDS !== S.rounds || PROFILE) {
    log('a partial run: docs/BENCHMARKS.md left alone');
    return;
  }
  writeSection(new URL('../docs/BENCHMARKS.md', import.meta.url), 'intake', render(results, started, (performance.now() - t0) / 1000));
  log('wrote the intake section of docs/BENCHMARKS.md');
}

runBench(main);
