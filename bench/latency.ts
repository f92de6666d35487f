/**
 * Phase 2: webhook receipt → Slack API call. Messages go out at a fixed rate, each carrying a
 * unique token in its text; the fake Slack's call log (same process, same clock) tells when the
 * matching chat.postMessage arrived.
 */
import type { FakeCall, FakeSlack } from '../test/fakes/slack.js';
import { fixedRate, percentile, textWebhook, type Sent } from './load.js';

const MATCH_TIMEOUT_MS = 20_000;

export interface LatencyStats {
  sent: number;
  accepted: number;
  matched: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LatencyRun {
  ratePerSecond: number;
  /** The thread post carrying the message's token. */
  post: LatencyStats;
  /** The contact card (top-level post), for runs on new contacts. */
  card?: LatencyStats;
}

export const token = (n: number) => `bx${n}q`;
const TOKEN = /\bbx(\d+)q\b/;

function metadataChatId(call: FakeCall): string | undefined {
  let m = call.params.metadata;
  if (typeof m === 'string') {
    try {
      m = JSON.parse(m);
    } catch {
      return undefined;
    }
  }
  const payload = (m as { event_payload?: { chat_id?: unknown } } | undefined)?.event_payload;
  return typeof payload?.chat_id === 'string' ? payload.chat_id : undefined;
}

function stats(sent: Sent[], arrivals: Array<number | undefined>): LatencyStats {
  const lat: number[] = [];
  arrivals.forEach((at, i) => {
    if (at !== undefined) lat.push(at - sent[i]!.startedAt);
  });
  lat.sort((a, b) => a - b);
  return {
    sent: sent.length,
    accepted: sent.filter((s) => s.status === 200).length,
    matched: lat.length,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    maxMs: lat.at(-1) ?? NaN,
  };
}

/**
 * Sends `count` text messages at `ratePerSecond`; message i comes from `contactOf(i)` and gets
 * the global number `firstN + i`. Waits (bounded) until every accepted one has been posted.
 */
export async function measureLatency(opts: {
  port: number;
  slack: FakeSlack;
  ratePerSecond: number;
  count: number;
  firstN: number;
  contactOf(i: number): string;
  withCards: boolean;
}): Promise<LatencyRun> {
  const calls = opts.slack.state.calls;
  let cursor = calls.length;
  const postAt: Array<number | undefined> = new Array(opts.count).fill(undefined);
  const cardAt: Array<number | undefined> = new Array(opts.count).fill(undefined);
  const indexOfContact = new Map<string, number>();
  for (let i = 0; i < opts.count; i++) indexOfContact.set(opts.contactOf(i), i);

  const scan = () => {
    for (; cursor < calls.length; cursor++) {
      const call = calls[cursor]!;
      if (call.method !== 'chat.postMessage' || call.error) continue;
      const text = typeof call.params.text === 'string' ? call.params.text : '';
      const m = TOKEN.exec(text);
      if (m) {
        const i = Number(m[1]) - opts.firstN;
        if (i >= 0 && i < opts.count && postAt[i] === undefined) postAt[i] = call.at;
      } else if (opts.withCards && call.params.thread_ts === undefined) {
        const i = indexOfContact.get(metadataChatId(call) ?? '');
        if (i !== undefined && cardAt[i] === undefined) cardAt[i] = call.at;
      }
    }
  };

  const sent = await fixedRate({
    port: opts.port,
    ratePerSecond: opts.ratePerSecond,
    count: opts.count,
    make: (i) => {
      const n = opts.firstN + i;
      return textWebhook(n, opts.contactOf(i), `Hi, where is my order? ref ${token(n)}`);
    },
  });
  const want = sent.filter((s) => s.status === 200).length;
  const deadline = Date.now() + MATCH_TIMEOUT_MS;
  for (;;) {
    scan();
    const got = postAt.filter((a) => a !== undefined).length;
    if (got >= want || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    ratePerSecond: opts.ratePerSecond,
    post: stats(sent, postAt),
    ...(opts.withCards ? { card: stats(sent, cardAt) } : {}),
  };
}
