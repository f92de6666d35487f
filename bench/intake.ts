/**
 * Intake against the no-op route, with an independent load generator. Run:
 * `node --import tsx bench/intake.ts` (writes its section of docs/BENCHMARKS.md).
 *
 * The service runs alone in a child process (bench/serve.ts), on SQLite and on PostgreSQL, with its
 * worker running throughout, as deployed. The load comes from autocannon in a third process
 * (bench/autocannon-child.ts), so neither the generator nor the fakes share an event loop with what
 * is measured. Each round starts a fresh database and service, creates 200 cards, then runs three
 * phases, each after a short warm-up: the no-op route with the worker idle, the no-op route while
 * the worker relays a backlog queued just before, and signed webhooks (relayed meanwhile). The
 * worker is paced to the same posts per second in every phase, so the target's figure (webhooks
 * over the no-op route, both with the worker relaying) compares phases that carry the same relaying.
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
const S = { contacts: 200, connections: 32, warmupS: 2, measureS: 10, seedS: 2, rounds: 2, drainTimeoutMs: 120_000 };
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
  /** Messages the worker posted to the fake Slack per second of the phase. */
  relayedPerSecond: number;
  /** Jobs still pending when the phase ended. */
  pendingAtEnd: number;
}

/**
 * The phases of a round. `noop`: the no-op route with an empty queue (the worker idle, the
 * baseline until 2026-12-08); `noop-busy`: the no-op route while the worker relays a backlog queued
 * just before (signed webhooks, as in the webhook phase), so both phases of the target's ratio carry
 * the worker's work, as issue 14 asks; `webhook`: signed webhooks, relayed by the worker meanwhile.
 */
type Kind = 'noop' | 'noop-busy' | 'webhook';
const KINDS: readonly Kind[] = ['noop', 'noop-busy', 'webhook'];

let seq = 1_000_000;

async function autocannon(svc: ServiceHandle, kind: 'noop' | 'webhook', seconds: number, posted: () => number = () => 0): Promise<Phase> {
  const port = svc.port;
  const p0 = posted();
  const c0 = await svc.cpu();
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, String(port), kind, String(seconds), String(S.connections), String(seq)], {
    timeout: (seconds + 60) * 1000,
    maxBuffer: 1 << 20,
  });
  const c1 = await svc.cpu();
  const p1 = posted();
  const pendingAtEnd = (await svc.depth()).pending ?? 0;
  const phase = JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<Phase, 'serviceCpuUs' | 'relayedPerSecond' | 'pendingAtEnd'>;
  seq = phase.next;
  return { ...phase, serviceCpuUs: c1.user - c0.user + c1.system - c0.system, relayedPerSecond: (p1 - p0) / phase.seconds, pendingAtEnd };
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

type StoreResult = { store: string } & Record<Kind, Phase[]>;

/** Posts per second per channel in every phase: below what the worker reaches in any of them, so each phase carries the same relaying. */
const PACE = { perSecond: 200, burst: 20 };

async function runStore(fixture: StoreFixture, entry: string): Promise<StoreResult> {
  const result: StoreResult = { store: fixture.name, noop: [], 'noop-busy': [], webhook: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // A fresh database and service per round: a backlog paced at PACE takes minutes to drain.
    const db = await fixture.create();
    onCleanup(() => db.drop());
    const slack = await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }], now: epochMs });
    onCleanup(() => slack.close());
    const graph = await createFakeGraph({ token: 'bench-graph-token', phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '15550783881' });
    onCleanup(() => graph.close());
    const svc = await startService(
      entry,
      serviceEnv({ databaseUrl: db.url, slack, graphUrl: graph.url, channel: CHANNEL }, { SLACK_POSTS_PER_SECOND: String(PACE.perSecond), SLACK_POST_BURST: String(PACE.burst) }),
      PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [],
    );
    onCleanup(() => svc.close());
    log(`${fixture.name}: round ${round + 1}: service pid ${svc.pid}, creating ${S.contacts} cards`);
    const warm = await closedLoop({ port: svc.port, connections: 8, durationMs: 30_000, maxRequests: S.contacts, make: (i) => textWebhook(seq++, contactNumber(i), 'Hello, warming up') });
    if (warm.ok !== S.contacts) throw new Error(`warm-up: ${warm.ok}/${S.contacts} accepted`);
    await drain(svc);

    const posted = () => slack.calls('chat.postMessage').length;
    for (const kind of KINDS) {
      const route = kind === 'webhook' ? 'webhook' : 'noop';
      // The worker's backlog: signed webhooks, recorded and queued as in the webhook phase. What it
      // leaves is still queued in the webhook phase, so the worker relays at PACE from its first request.
      if (kind === 'noop-busy') await autocannon(svc, 'webhook', S.seedS);
      await autocannon(svc, route, S.warmupS);
      const phase = await autocannon(svc, route, S.measureS, posted);
      if (kind !== 'noop' && phase.pendingAtEnd === 0) throw new Error(`the worker's backlog ran out during the ${kind} phase: raise S.seedS (${S.seedS} s)`);
      result[kind].push(phase);
      log(
        `${fixture.name}: ${kind} round ${round + 1}: ${phase.okPerSecond.toFixed(0)} accepted/s, service CPU ${(phase.serviceCpuUs / phase.ok).toFixed(0)} µs each, worker relayed ${phase.relayedPerSecond.toFixed(0)}/s, ${phase.pendingAtEnd} pending at the end (non-2xx ${phase.non2xx}, errors ${phase.errors})`,
      );
    }
    await cleanupAll();
  }
  return result;
}

const rate = (phases: Phase[]) => phases.reduce((a, p) => a + p.ok, 0) / phases.reduce((a, p) => a + p.seconds, 0);

function render(results: StoreResult[], started: Date, totalS: number): string {
  const m = machineInfo(started);
  const perSecond = (phases: Phase[], pick: (p: Phase) => number) => phases.reduce((a, p) => a + pick(p) * p.seconds, 0) / phases.reduce((a, p) => a + p.seconds, 0);
  const rows = results.map((r) => {
    const idle = rate(r.noop);
    const busy = rate(r['noop-busy']);
    const hook = rate(r.webhook);
    const pct = (hook / busy) * 100;
    const worst = (phases: Phase[]) => Math.max(...phases.map((p) => p.p99));
    const failed = KINDS.flatMap((k) => r[k]).reduce((a, p) => a + p.non2xx + p.errors + p.timeouts, 0);
    const cpu = (phases: Phase[]) => (phases.reduce((a, p) => a + p.serviceCpuUs, 0) / phases.reduce((a, p) => a + p.ok, 0)).toFixed(0);
    const relayed = (phases: Phase[]) => perSecond(phases, (p) => p.relayedPerSecond).toFixed(0);
    return `| ${r.store} | ${idle.toFixed(0)} | ${busy.toFixed(0)} | ${hook.toFixed(0)} | **${pct.toFixed(0)} %** | ≥ ${TARGET[r.store]} % | ${pct >= TARGET[r.store]! ? 'met' : 'not met'} | ${((hook / idle) * 100).toFixed(0)} % | ${relayed(r['noop-busy'])} / ${relayed(r.webhook)} | ${worst(r['noop-busy'])} / ${worst(r.webhook)} ms | ${cpu(r.noop)} / ${cpu(r['noop-busy'])} / ${cpu(r.webhook)} µs | ${failed} |`;
  });
  return [
    '## Intake against the no-op route, with an independent load generator',
    '',
    `Command: \`node --import tsx bench/intake.ts\` (${totalS.toFixed(0)} s). Machine: ${m.nproc} × ${m.cpuModel}, ${m.totalMemory}, ${m.os}, Node ${m.node}, ${m.date}.`,
    '',
    `The service runs alone in a child process; autocannon 8 runs in a third process (${S.connections} connections, ${S.measureS} s per phase after ${S.warmupS} s of warm-up); the fakes run in the bench's own process. Each of ${S.rounds} rounds starts a fresh database and service, creates ${S.contacts} cards, then runs three phases. **No-op, worker idle:** the no-op route (\`/bench/noop\`, bench/serve.ts: the same server and JSON body parser, no signature, no store) with an empty queue; this was the baseline before 2026-12-08. **No-op, worker relaying:** ${S.seedS} s of signed webhooks queue a backlog first, then the no-op route is loaded while the worker relays that backlog to the fake Slack. **Webhooks:** the same body signed to \`/webhooks/whatsapp\`, each with its own wamid, to the ${S.contacts} contacts, so every request is verified, recorded and queued, and the worker relays meanwhile. The worker posts at most ${PACE.perSecond} messages per second to the channel in every phase (\`SLACK_POSTS_PER_SECOND=${PACE.perSecond}\`, burst ${PACE.burst}; Slack itself allows about 1), so both phases of the target's ratio carry the same relaying: issue 14 asks for the ratio "with the worker running in both phases, so the ratio is fair", and with the worker idle in the baseline the webhook phase alone paid for relaying. The "worker relayed" column shows what each phase carried.`,
    '',
    '| store | no-op, worker idle (accepted/s) | no-op, worker relaying | webhooks | webhooks / no-op, both relaying | target | | webhooks / no-op, worker idle | worker relayed per s, no-op / webhooks | p99 no-op relaying / webhooks | service CPU per request: no-op idle / relaying / webhooks | failed requests |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'Each phase (accepted/s): ' +
      results
        .map((r) => `${r.store}: ${KINDS.map((k) => `${k === 'noop' ? 'no-op idle' : k === 'noop-busy' ? 'no-op relaying' : 'webhooks'} ${r[k].map((p) => p.okPerSecond.toFixed(0)).join(', ')}`).join('; ')}`)
        .join('. ') +
      '.',
    '',
    'Reading it: on PostgreSQL the figure clears its target by little (compare the rounds above), and the worker relays less in its no-op phase than in the webhook phase, so that baseline carries less relaying, not more. Per relayed message the worker runs about nine statements, each a round trip on PostgreSQL (a scratch server log of 2026-12-08); fewer of them is the next gain. Before 2026-12-08 every webhook also paid ~24 µs for one info line (pino\'s path redaction; src/logger.ts now censors by key) and, on PostgreSQL, the whole-row reads were parsed on every run (src/store/columns.ts). Service CPU per request: the service process\'s user + system time over a phase (every thread) divided by the requests it accepted; in the relaying phases it includes the worker\'s relaying. It depends less than the rates on what else the shared machine runs, but not nothing (cache and scheduling contention raise it). ' +
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
