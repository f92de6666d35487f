/**
 * A small HTTP load generator on node:http keep-alive sockets (no dependency), plus the signed
 * WhatsApp Cloud API webhook bodies it sends. Every loop is bounded in time and in count.
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export const APP_SECRET = 'bench-app-secret';
export const PHONE_NUMBER_ID = '106540352242922';
export const DISPLAY_NUMBER = '15550783881';

/** Fake example-range numbers: 1 650 555 xxxx. */
export const contactNumber = (i: number) => `1650555${String(i).padStart(4, '0')}`;

export interface Req {
  path: string;
  body: Buffer;
  headers: Record<string, string>;
}

/** The documented text-message webhook (test/fixtures/whatsapp-cloud/inbound-text.json), signed. */
export function textWebhook(n: number, from: string, text: string): Req {
  const body = Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: DISPLAY_NUMBER, phone_number_id: PHONE_NUMBER_ID },
                contacts: [{ profile: { name: `Bench Contact ${from.slice(-4)}` }, wa_id: from }],
                messages: [{ from, id: `wamid.bench-${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
              },
              field: 'messages',
            },
          ],
        },
      ],
    }),
  );
  const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
  return { path: '/webhooks/whatsapp', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
}

/** The same body shape, unsigned, for the no-op baseline route. */
export function noopRequest(n: number, from: string, text: string): Req {
  const { body } = textWebhook(n, from, text);
  return { path: '/bench/noop', body, headers: { 'content-type': 'application/json' } };
}

export interface Sent {
  status: number; // 0 = network error
  latencyMs: number;
  startedAt: number; // epochMs() just before the request was written
}

/** Epoch milliseconds with sub-millisecond resolution (the fake Slack is given the same clock). */
export const epochMs = () => performance.timeOrigin + performance.now();

export function send(agent: Agent, port: number, r: Req): Promise<Sent> {
  const t0 = performance.now();
  const startedAt = performance.timeOrigin + t0;
  return new Promise<Sent>((resolve) => {
    const req = request(
      { agent, host: '127.0.0.1', port, method: 'POST', path: r.path, headers: { ...r.headers, 'content-length': String(r.body.length) }, timeout: 30_000 },
      (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode ?? 0, latencyMs: performance.now() - t0, startedAt }));
        res.once('error', () => resolve({ status: 0, latencyMs: performance.now() - t0, startedAt }));
      },
    );
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve({ status: 0, latencyMs: performance.now() - t0, startedAt }));
    req.end(r.body);
  });
}

export const keepAliveAgent = (sockets: number) => new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });

export interface LoadResult {
  requests: number;
  ok: number;
  /** Non-200 answers by status; `0` counts network errors. */
  failures: Record<string, number>;
  durationS: number;
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Most 200s completed in one whole 1-second window of the run. */
  bestSecondOk: number;
}

/**
 * Closed loop: `connections` workers each send one request at a time for `durationMs` (or until
 * `maxRequests` have been started). `make(n)` builds request n.
 */
export async function closedLoop(opts: { port: number; connections: number; durationMs: number; maxRequests: number; make(n: number): Req }): Promise<LoadResult> {
  const agent = keepAliveAgent(opts.connections);
  const latencies = new Float64Array(opts.maxRequests);
  const failures: Record<string, number> = {};
  let started = 0;
  let done = 0;
  let ok = 0;
  const perSecond = new Array<number>(Math.ceil(opts.durationMs / 1000) + 2).fill(0);
  const t0 = performance.now();
  const deadline = t0 + opts.durationMs;
  const worker = async () => {
    while (performance.now() < deadline && started < opts.maxRequests) {
      const n = started++;
      const r = await send(agent, opts.port, opts.make(n));
      latencies[done++] = r.latencyMs;
      if (r.status === 200) {
        ok += 1;
        const second = Math.floor((performance.now() - t0) / 1000);
        if (second < perSecond.length) perSecond[second]! += 1;
      } else failures[String(r.status)] = (failures[String(r.status)] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  const durationS = (performance.now() - t0) / 1000;
  agent.destroy();
  const sorted = Array.from(latencies.subarray(0, done)).sort((a, b) => a - b);
  return {
    requests: done,
    ok,
    failures,
    durationS,
    okPerSecond: ok / durationS,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? NaN,
    bestSecondOk: Math.max(0, ...perSecond.slice(0, Math.floor(durationS))),
  };
}

/** Open loop: request i is sent at start + i / ratePerSecond, whether or not earlier ones finished. */
export async function fixedRate(opts: { port: number; ratePerSecond: number; count: number; make(i: number): Req }): Promise<Sent[]> {
  const agent = keepAliveAgent(64);
  const t0 = performance.now();
  const inflight: Array<Promise<Sent>> = [];
  for (let i = 0; i < opts.count; i++) {
    const due = t0 + (i * 1000) / opts.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(agent, opts.port, opts.make(i)));
  }
  const results = await Promise.all(inflight);
  agent.destroy();
  return results;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}
