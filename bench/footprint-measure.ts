/**
 * The measurements of bench/footprint.ts, on one service process each: idle RSS after start, peak
 * RSS under signed webhooks, and the optional packages it loaded.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGraph } from '../test/fakes/graph.js';
import { createFakeSlack, type FakeSlack } from '../test/fakes/slack.js';
import { loadedPackages, RESOLVE_LOG } from '../test/support/loaded-packages.js';
import { sqliteFixture } from '../test/support/stores.js';
import { serviceEnv, startService, type ServiceHandle } from './child.js';
import { closedLoop, contactNumber, epochMs, PHONE_NUMBER_ID, textWebhook } from './load.js';

export const CHANNEL = 'C0123456789';
export const SETTLE_MS = 500;
export const SAMPLES = 5;
export const SAMPLE_EVERY_MS = 200;
export const INTAKE = { contacts: 200, connections: 32, warmupMs: 2_000, measureMs: 10_000, maxRequests: 500_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One way of running the service: a build (see build.ts) and what its environment adds. */
export interface Variant {
  id: string;
  label: string;
  entry: string;
  env?: Record<string, string>;
  /** Node options besides --expose-gc, e.g. the production ones of `npm start`. */
  nodeArgs?: string[];
}

/** Kernel's view of the process: resident now and its high-water mark, bytes. */
export function procStatus(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Fresh SQLite file, fake Slack and Graph, and the service on them (Cloud API transport, no Jira, no app token). */
async function withService<T>(variant: Variant, nodeArgs: string[], extraEnv: Record<string, string>, fn: (svc: ServiceHandle, slack: FakeSlack) => Promise<T>): Promise<T> {
  const db = await sqliteFixture.create();
  const slack = await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }], now: epochMs });
  const graph = await createFakeGraph({ token: 'bench-graph-token', phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '15550783881' });
  let svc: ServiceHandle | undefined;
  try {
    const env = serviceEnv(
      { databaseUrl: db.url, slack, graphUrl: graph.url, channel: CHANNEL },
      { SLACK_POSTS_PER_SECOND: '100000', SLACK_POST_BURST: '100000', ...variant.env, ...extraEnv },
    );
    svc = await startService(variant.entry, env, [...(variant.nodeArgs ?? []), ...nodeArgs]);
    await waitReady(svc.base);
    return await fn(svc, slack);
  } finally {
    await svc?.close();
    await Promise.all([slack.close(), graph.close()]);
    await db.drop();
  }
}

async function waitReady(base: string): Promise<void> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    const status = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (performance.now() > deadline) throw new Error(`/readyz answered ${status} for 20 s`);
    await sleep(50);
  }
}

export interface IdleSample {
  /** Median of the VmRSS samples, bytes. */
  vmRss: number;
  samples: number[];
  /** process.memoryUsage().rss after two full GCs, in the service (bench/webhook.ts's method). */
  gcRss: number;
}

/** Ready, settled, then VmRSS read SAMPLES times from /proc, then the forced-GC figure. */
export function measureIdle(variant: Variant): Promise<IdleSample> {
  return withService(variant, [], {}, async (svc) => {
    await sleep(SETTLE_MS);
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      if (i > 0) await sleep(SAMPLE_EVERY_MS);
      samples.push(procStatus(svc.pid).rss);
    }
    const gc = await svc.gcRss();
    if (!gc.gcRan) throw new Error('the service has no gc(): start it with --expose-gc');
    return { vmRss: median(samples), samples, gcRss: gc.rss };
  });
}

export interface IntakeSample {
  /** Largest RSS sampled every 100 ms inside the service over the measured phase (bench/serve.ts). */
  peakRss: number;
  /** The kernel's high-water mark over the process's whole life, read at the end. */
  hwm: number;
  okPerSecond: number;
}

/** bench/webhook.ts's webhook phase: 200 cards made first, then 32 connections of signed webhooks. */
export function measureIntake(variant: Variant): Promise<IntakeSample> {
  let n = 0;
  const make = () => {
    const i = n++;
    return textWebhook(i, contactNumber(i % INTAKE.contacts), `Hello, does it come in another colour? (${i})`);
  };
  return withService(variant, [], {}, async (svc) => {
    const warm = await closedLoop({ port: svc.port, connections: 8, durationMs: 30_000, maxRequests: INTAKE.contacts, make });
    if (warm.ok !== INTAKE.contacts) throw new Error(`warm-up: ${warm.ok}/${INTAKE.contacts} accepted`);
    await closedLoop({ port: svc.port, connections: INTAKE.connections, durationMs: INTAKE.warmupMs, maxRequests: INTAKE.maxRequests, make });
    await svc.peakStart();
    const load = await closedLoop({ port: svc.port, connections: INTAKE.connections, durationMs: INTAKE.measureMs, maxRequests: INTAKE.maxRequests, make });
    const peak = await svc.peakStop();
    return { peakRss: peak.peakRss, hwm: procStatus(svc.pid).hwm, okPerSecond: load.okPerSecond };
  });
}

/**
 * The packages a start loads (what the ESM loader resolves and what CommonJS code requires), with
 * test/support/resolve-log.mjs, in a start of its own: the hook adds a thread and memory.
 */
export async function packagesLoaded(variant: Variant): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-resolve-'));
  const file = join(dir, 'resolved.log');
  try {
    await withService(variant, ['--import', RESOLVE_LOG], { RESOLVE_LOG_FILE: file }, async () => undefined);
    return [...loadedPackages(file)].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
