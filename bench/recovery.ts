/**
 * Recovery benchmark: how long conversations stay stuck after the service is killed mid-burst.
 * Run: `node --import tsx bench/recovery.ts` (rewrites its section of docs/BENCHMARKS.md).
 *
 * Per store: the service (bench/serve.ts, on plain node) gets a burst of messages over several
 * contacts, paced by SLACK_POSTS_PER_SECOND; once part of them is in Slack it is killed with
 * SIGKILL (jobs in flight, leases held), restarted, and timed until every message is in its
 * thread. The baseline, from the same run, is the same burst without a kill, timed from the same
 * point to its last message. All traffic stays on 127.0.0.1; every wait is bounded.
 */
import { performance } from 'node:perf_hooks';
import { createFakeGraph } from '../test/fakes/graph.js';
import { createFakeSlack, type FakeSlack } from '../test/fakes/slack.js';
import { postgresFixture, sqliteFixture, type StoreFixture } from '../test/support/stores.js';
import { buildService } from './build.js';
import { startService, type ServiceHandle } from './child.js';
import { APP_SECRET, contactNumber, PHONE_NUMBER_ID, textWebhook } from './load.js';
import { machineInfo } from './report.js';
import { writeSection } from './sections.js';

const BENCHMARKS = new URL('../docs/BENCHMARKS.md', import.meta.url);

const CHANNEL = 'C0123456789';
const CONTACTS = 10;
const PER_CONTACT = 20;
const TOTAL = CONTACTS * PER_CONTACT;
const RATE = 20;
const KILL_AFTER = 60;
const LEASE_MS = 15_000;
const WAIT_MS = 120_000;

const now = () => performance.now();
const log = (msg: string) => process.stdout.write(`[recovery ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  store: string;
  deliveredAtKill: number;
  rate: number;
  startupS: number;
  recoveryS: number;
  needS: number;
  duplicates: number;
  cards: number;
}

/** Posts of bench messages in Slack, and how many distinct messages they are. */
function delivered(slack: FakeSlack): { posts: number; unique: number } {
  const ids = slack
    .messages(CHANNEL)
    .map((m) => (m.metadata as { event_payload?: { wa_message_id?: string } } | undefined)?.event_payload?.wa_message_id)
    .filter((id): id is string => typeof id === 'string' && id.startsWith('wamid.bench-'));
  return { posts: ids.length, unique: new Set(ids).size };
}

async function until(check: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const deadline = now() + ms;
  while (!check()) {
    if (now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function post(svc: ServiceHandle, n: number): Promise<void> {
  const req = textWebhook(n, contactNumber(n % CONTACTS), `message ${Math.floor(n / CONTACTS)}`);
  const res = await fetch(`${svc.base}${req.path}`, { method: 'POST', headers: req.headers, body: req.body });
  if (res.status !== 200) throw new Error(`webhook ${n}: HTTP ${res.status}`);
}

/** One pass: the burst, and from the KILL_AFTER-th message on, either a kill and restart or nothing (the baseline). */
async function pass(fixture: StoreFixture, entry: string, kill: boolean): Promise<Omit<Run, 'needS'> & { afterMarkS: number }> {
  const db = await fixture.create();
  const slack = await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }], tsBase: Math.floor(Date.now() / 1000) - 60 });
  const graph = await createFakeGraph({ token: 'bench-graph-token', phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '15550783881' });
  const env = {
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: slack.url,
    SLACK_CHANNEL: CHANNEL,
    SLACK_POSTS_PER_SECOND: String(RATE),
    SLACK_POST_BURST: String(RATE),
    WHATSAPP_TRANSPORT: 'cloud',
    WHATSAPP_TOKEN: 'bench-graph-token',
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
    WHATSAPP_GRAPH_URL: graph.url,
    QUEUE_LEASE_MS: String(LEASE_MS),
  };
  let svc = await startService(entry, env);
  try {
    log(`${fixture.name}: burst of ${TOTAL} messages over ${CONTACTS} contacts`);
    for (let n = 0; n < TOTAL; n += 10) await Promise.all(Array.from({ length: 10 }, (_, i) => post(svc, n + i)));
    await until(() => delivered(slack).unique >= 10, 'the first posts');
    const t10 = now();
    await until(() => delivered(slack).unique >= KILL_AFTER, 'posts before the kill');
    const rate = (delivered(slack).unique - 10) / ((now() - t10) / 1000);
    if (!kill) {
      const mark = now();
      const atMark = delivered(slack).unique;
      await until(() => delivered(slack).unique === TOTAL, 'every message');
      const { posts, unique } = delivered(slack);
      return { store: fixture.name, deliveredAtKill: atMark, rate, startupS: 0, recoveryS: 0, afterMarkS: (now() - mark) / 1000, duplicates: posts - unique, cards: slack.topLevel(CHANNEL).length };
    }
    await svc.kill();
    await sleep(200);
    const deliveredAtKill = delivered(slack).unique;
    log(`${fixture.name}: killed with ${deliveredAtKill}/${TOTAL} in Slack (${rate.toFixed(1)} posts/s before)`);
    const restart = now();
    svc = await startService(entry, env);
    const startupS = (now() - restart) / 1000;
    await until(() => delivered(slack).unique === TOTAL, 'every message after the restart');
    const recoveryS = (now() - restart) / 1000;
    await sleep(500);
    const { posts, unique } = delivered(slack);
    return { store: fixture.name, deliveredAtKill, rate, startupS, recoveryS, afterMarkS: recoveryS, duplicates: posts - unique, cards: slack.topLevel(CHANNEL).length };
  } finally {
    await svc.close();
    await Promise.all([slack.close(), graph.close()]);
    await db.drop();
  }
}

async function runStore(fixture: StoreFixture, entry: string): Promise<Run> {
  const baseline = await pass(fixture, entry, false);
  log(`${fixture.name}: baseline: the last ${TOTAL - baseline.deliveredAtKill} messages took ${baseline.afterMarkS.toFixed(1)} s without a crash`);
  const crashed = await pass(fixture, entry, true);
  // What the messages still missing at the kill need, at the pace the baseline measured for its own remainder.
  const needS = baseline.afterMarkS * ((TOTAL - crashed.deliveredAtKill) / (TOTAL - baseline.deliveredAtKill));
  const run: Run = { ...crashed, needS };
  log(`${fixture.name}: ${JSON.stringify(run)}`);
  return run;
}

function render(runs: Run[], date: Date): string {
  const m = machineInfo(date);
  const row = (r: Run) => {
    const allowance = r.store === 'postgres' ? LEASE_MS / 1000 + 5 : 5;
    const excess = r.recoveryS - r.needS;
    return `| ${r.store === 'postgres' ? 'PostgreSQL' : 'SQLite'} | ${r.deliveredAtKill}/${TOTAL} | ${r.needS.toFixed(1)} | ${r.startupS.toFixed(1)} | **${r.recoveryS.toFixed(1)}** | ${excess.toFixed(1)} (target ≤ ${allowance}) | ${r.duplicates} | ${r.cards} |`;
  };
  return `## Recovery after \`kill -9\`

Measured by \`bench/recovery.ts\` (\`node --import tsx bench/recovery.ts\` rewrites this section) on ${m.nproc} × ${m.cpuModel}, ${m.os}, Node.js ${m.node}, ${date.toISOString()}.

The service (plain node, as production) gets ${TOTAL} messages over ${CONTACTS} contacts, paced at
\`SLACK_POSTS_PER_SECOND=${RATE}\`; after ${KILL_AFTER} are in Slack it is killed with SIGKILL (jobs running, leases
held) and restarted at once with \`QUEUE_LEASE_MS=${LEASE_MS}\`. Recovery: from the restart to the last message in its
thread. Baseline, from the same run: the same burst on a fresh database without a kill, timed from the same point
to its last message (scaled to the number still missing at the kill).
On SQLite the file is the process's own, so jobs left running are released at start; on PostgreSQL another
instance may still hold them, so they wait for their lease.

| Store | In Slack at the kill | Baseline: remaining need (s) | Restart to listening (s) | Recovery (s) | Recovery − need (s) | Duplicate posts | Cards |
|---|---:|---:|---:|---:|---:|---:|---:|
${runs.map(row).join('\n')}`;
}

async function main(): Promise<void> {
  const date = new Date();
  const build = buildService();
  try {
    const runs: Run[] = [];
    for (const fixture of [sqliteFixture, postgresFixture]) runs.push(await runStore(fixture, build.entry));
    writeSection(BENCHMARKS, 'recovery', render(runs, date));
    log('wrote the recovery section of docs/BENCHMARKS.md');
  } finally {
    build.remove();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
