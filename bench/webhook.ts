/**
 * Webhook intake benchmark. Run: `node --import tsx bench/webhook.ts` (writes docs/BENCHMARKS.md).
 *
 * This process holds the load generator, the fake Slack and the fake Graph API; the service runs
 * alone in a child process (bench/serve.ts), once on SQLite and once on PostgreSQL. Per store:
 *   idle RSS → warm-up (one message per contact: creates the 200 cards) → drain →
 *   latency: first messages of new contacts, then 50/s to existing contacts →
 *   throughput: no-op route, then signed webhooks (RSS sampled every 100 ms in the service) →
 *   worker-only window → stop. All traffic is on 127.0.0.1; every loop is bounded.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseCommand } from '../src/cli.js';
import { createFakeGraph, type FakeGraph } from '../test/fakes/graph.js';
import { createFakeSlack, type FakeSlack } from '../test/fakes/slack.js';
import { postgresFixture, sqliteFixture, type StoreFixture } from '../test/support/stores.js';
import { serviceEnv, startService, type ServiceHandle } from './child.js';
import { measureLatency } from './latency.js';
import { closedLoop, contactNumber, epochMs, noopRequest, PHONE_NUMBER_ID, textWebhook, type LoadResult } from './load.js';
import { cleanupAll, log, onCleanup, runBench, withServiceBuild } from './runner.js';
import { withSectionsOf } from './sections.js';
import { cpuTicks, machineInfo, renderReport, USER_HZ, type Settings, type StoreRun, type ThroughputRun } from './report.js';

const USAGE = `Usage: npm run bench   (or: node --import tsx bench/webhook.ts [--help])

Webhook intake benchmark: starts the service in a child process on SQLite, then on PostgreSQL
(TEST_DATABASE_URL, as the tests), against the fake Slack and Graph API, and measures idle RSS,
latency and signed-webhook throughput. Takes a few minutes and loads the machine; rewrites its
part of docs/BENCHMARKS.md.

Options:
  -h, --help   print this help and exit`;

const CHANNEL = 'C0123456789';
const SETTINGS: Settings = {
  connections: 32,
  warmupMs: 2_000,
  measureMs: 10_000,
  maxRequestsPerPhase: 500_000,
  contacts: 200,
  newContacts: 40,
  firstRate: 20,
  steadyRate: 50,
  steadyCount: 500,
  afterLoadMs: 5_000,
  drainTimeoutMs: 30_000,
};

let seq = 0; // global message number: wamid.bench-<n>, unique across the whole run
const nextN = () => seq++;
const contact = (i: number) => contactNumber(i % SETTINGS.contacts);
const webhookReq = () => {
  const n = nextN();
  return textWebhook(n, contact(n), `Hello, does it come in another colour? (${n})`);
};
const noopReq = () => {
  const n = nextN();
  return noopRequest(n, contact(n), `Hello, does it come in another colour? (${n})`);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function drain(svc: ServiceHandle, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + timeoutMs;
  for (;;) {
    const d = await svc.depth();
    if ((d.pending ?? 0) === 0 && (d.running ?? 0) === 0) return (performance.now() - t0) / 1000;
    if (performance.now() > deadline) throw new Error(`queue did not drain in ${timeoutMs} ms: ${JSON.stringify(d)}`);
    await sleep(50);
  }
}

/**
 * This machine is shared: waits (up to 10 s) for half a second in which the whole machine, this run
 * included, is at most 25 % of one core busy, so a measured phase is less likely to start disturbed.
 */
async function waitQuiet(): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    const a = cpuTicks();
    await sleep(500);
    const b = cpuTicks();
    if (!a || !b) return;
    if (((b.busy - a.busy) / USER_HZ / ((b.at - a.at) / 1000)) * 100 <= 25) return;
  }
  log('  machine still busy after 10 s; measuring anyway (see the "other" CPU column)');
}

const postCount = (slack: FakeSlack) => slack.state.calls.filter((c) => c.method === 'chat.postMessage' && !c.error).length;

async function throughput(svc: ServiceHandle, slack: FakeSlack, database: string, make: () => ReturnType<typeof webhookReq>): Promise<ThroughputRun> {
  const s = SETTINGS;
  await waitQuiet();
  await closedLoop({ port: svc.port, connections: s.connections, durationMs: s.warmupMs, maxRequests: s.maxRequestsPerPhase, make });
  const postsBefore = postCount(slack);
  const cpuBefore = await svc.cpu();
  await svc.peakStart();
  const ticksBefore = cpuTicks(database);
  const selfBefore = process.cpuUsage();
  const t0 = performance.now();
  const load: LoadResult = await closedLoop({ port: svc.port, connections: s.connections, durationMs: s.measureMs, maxRequests: s.maxRequestsPerPhase, make });
  const wallS = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(selfBefore);
  const ticksAfter = cpuTicks(database);
  const peak = await svc.peakStop();
  const cpuAfter = await svc.cpu();
  const cpuS = (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1e6;
  const ticksPct = (pick: (t: NonNullable<typeof ticksAfter>) => number) =>
    ticksAfter && ticksBefore ? ((pick(ticksAfter) - pick(ticksBefore)) / USER_HZ / ((ticksAfter.at - ticksBefore.at) / 1000)) * 100 : NaN;
  return {
    load,
    peakRss: peak.peakRss,
    rssSamples: peak.samples,
    serviceCpuPct: (cpuS / wallS) * 100,
    loadGenCpuPct: ((self.user + self.system) / 1e6 / wallS) * 100,
    postgresCpuPct: ticksPct((t) => t.postgres),
    machineBusyPct: ticksPct((t) => t.busy),
    slackPosts: postCount(slack) - postsBefore,
  };
}

async function runStore(fixture: StoreFixture, entry: string): Promise<StoreRun> {
  const s = SETTINGS;
  log(`${fixture.name}: creating database and fakes`);
  const db = await fixture.create();
  onCleanup(() => db.drop());
  const database = fixture.name === 'postgres' ? new URL(db.url).pathname.slice(1) : '';
  const slack = await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }], now: epochMs });
  onCleanup(() => slack.close());
  const graph: FakeGraph = await createFakeGraph({ token: 'bench-graph-token', phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '15550783881' });
  onCleanup(() => graph.close());

  const svc = await startService(
    entry,
    serviceEnv(
      { databaseUrl: db.url, slack, graphUrl: graph.url, channel: CHANNEL },
      // Pacing must not throttle the fake: it answers at once and has no rate limit here.
      { SLACK_POSTS_PER_SECOND: '100000', SLACK_POST_BURST: '100000' },
    ),
  );
  onCleanup(() => svc.close());
  log(`${fixture.name}: service pid ${svc.pid} on port ${svc.port} (${svc.dialect}, QUEUE_CONCURRENCY ${svc.queueConcurrency})`);

  await sleep(500);
  const idle = await svc.gcRss();

  // Warm-up: one message per contact (creates every card), then a few seconds of the no-op route.
  const warm = await closedLoop({ port: svc.port, connections: 8, durationMs: 30_000, maxRequests: s.contacts, make: (i) => textWebhook(nextN(), contactNumber(i), 'Hello, warming up') });
  if (warm.ok !== s.contacts) throw new Error(`warm-up: ${warm.ok}/${s.contacts} accepted: ${JSON.stringify(warm.failures)}`);
  await closedLoop({ port: svc.port, connections: s.connections, durationMs: s.warmupMs, maxRequests: s.maxRequestsPerPhase, make: noopReq });
  await drain(svc, s.drainTimeoutMs);

  log(`${fixture.name}: latency, first messages of ${s.newContacts} new contacts at ${s.firstRate}/s`);
  const firstN = seq;
  seq += s.newContacts;
  const first = await measureLatency({ port: svc.port, slack, ratePerSecond: s.firstRate, count: s.newContacts, firstN, contactOf: (i) => contactNumber(9000 + i), withCards: true });
  await drain(svc, s.drainTimeoutMs);

  log(`${fixture.name}: latency, ${s.steadyCount} messages at ${s.steadyRate}/s to existing contacts`);
  const steadyN = seq;
  seq += s.steadyCount;
  const steady = await measureLatency({ port: svc.port, slack, ratePerSecond: s.steadyRate, count: s.steadyCount, firstN: steadyN, contactOf: (i) => contactNumber((i * 7) % s.contacts), withCards: false });
  await drain(svc, s.drainTimeoutMs);

  log(`${fixture.name}: throughput, no-op route`);
  const noop = await throughput(svc, slack, database, noopReq);
  log(`${fixture.name}:   ${noop.load.okPerSecond.toFixed(0)} req/s`);
  log(`${fixture.name}: throughput, signed webhooks`);
  const webhook = await throughput(svc, slack, database, webhookReq);
  log(`${fixture.name}:   ${webhook.load.okPerSecond.toFixed(0)} req/s`);

  const backlogAtLoadEnd = (await svc.depth()).pending ?? 0;
  const postsBefore = postCount(slack);
  await sleep(s.afterLoadMs);
  const afterLoad = { windowS: s.afterLoadMs / 1000, slackPosts: postCount(slack) - postsBefore, backlogAtLoadEnd, backlogAfter: (await svc.depth()).pending ?? 0 };
  const endRss = await svc.rss();

  await cleanupAll();
  log(`${fixture.name}: done, service stopped, database dropped`);
  return { store: fixture.name, queueConcurrency: svc.queueConcurrency, idleRss: idle.rss, gcRan: idle.gcRan, endRss, first, steady, noop, webhook, afterLoad };
}

async function main(): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const runs: StoreRun[] = await withServiceBuild(async (entry) => {
    const done: StoreRun[] = [];
    for (const fixture of [sqliteFixture, postgresFixture]) done.push(await runStore(fixture, entry));
    return done;
  });
  const totalS = (performance.now() - t0) / 1000;
  mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
  const out = new URL('../docs/BENCHMARKS.md', import.meta.url);
  // Sections other benchmarks write (bench/sections.ts) are kept.
  writeFileSync(out, withSectionsOf(out, renderReport({ machine: machineInfo(started), settings: SETTINGS, runs, totalS, loadGenRss: process.memoryUsage().rss })));
  log(`wrote docs/BENCHMARKS.md (${totalS.toFixed(0)} s)`);
}

const command = parseCommand(process.argv.slice(2), { usage: USAGE });
if ('exitCode' in command) process.exitCode = command.exitCode;
else runBench(main);
