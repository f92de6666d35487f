/**
 * Rate limiting and injected failures.
 *
 * https://docs.slack.dev/apis/web-api/rate-limits: chat.postMessage "generally allows posting
 * one message per second per channel", with short bursts tolerated; over the limit Slack
 * answers HTTP 429 with `Retry-After: <seconds>` and `{ok:false,error:'ratelimited'}`. A client
 * must wait that long; the fake counts every request that arrives inside such a window.
 */
import type { FailSpec, FakeSlackState, RateLimitConfig, RetryWindow } from './types.js';

export interface Refusal {
  status: number;
  error: string;
  retryAfter: number | undefined;
  injected: boolean;
}

/** Per-channel token buckets for chat.postMessage. */
export class ChannelBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly rate: number;
  private readonly burst: number;

  constructor(cfg: RateLimitConfig) {
    this.rate = cfg.perChannelPerSecond;
    this.burst = cfg.burst ?? Math.max(1, cfg.perChannelPerSecond);
  }

  /** Takes a token; when none is left, returns the seconds until one is (at least 1). */
  take(channel: string, now: number): number | undefined {
    const b = this.buckets.get(channel) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
    b.at = now;
    this.buckets.set(channel, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.rate));
  }
}

export class FailureQueue {
  private readonly queue = new Map<string, Required<FailSpec>[]>();

  /** `method` may be `*` for any method, or `upload` for the upload URL. */
  add(method: string, spec: FailSpec): void {
    const status = spec.status ?? 200;
    const full: Required<FailSpec> = {
      status,
      error: spec.error ?? (status === 429 ? 'ratelimited' : 'internal_error'),
      retryAfter: spec.retryAfter ?? 1,
      count: spec.count ?? 1,
    };
    const list = this.queue.get(method) ?? [];
    list.push(full);
    this.queue.set(method, list);
  }

  take(method: string): Refusal | undefined {
    for (const key of [method, '*']) {
      const list = this.queue.get(key);
      const head = list?.[0];
      if (!list || !head) continue;
      head.count -= 1;
      if (head.count <= 0) list.shift();
      return {
        status: head.status,
        error: head.error,
        retryAfter: head.status === 429 ? head.retryAfter : undefined,
        injected: true,
      };
    }
    return undefined;
  }

  clear(): void {
    this.queue.clear();
  }
}

export function openWindow(
  state: FakeSlackState,
  method: string,
  channel: string | undefined,
  now: number,
  retryAfter: number,
): void {
  state.retryWindows.push({ method, channel, from: now, until: now + retryAfter * 1000, retryAfter, hits: 0 });
}

/**
 * Tolerance at the window's end, in ms: Node schedules timers against libuv's cached loop time, so
 * a client that sleeps exactly Retry-After seconds can arrive a few ms early by the wall clock.
 */
const GRACE_MS = 25;

/** The open window this request falls in, if any (a per-channel window only matches its channel). */
export function activeWindow(
  state: FakeSlackState,
  method: string,
  channel: string | undefined,
  now: number,
): RetryWindow | undefined {
  return state.retryWindows.find(
    (w) =>
      w.method === method &&
      now >= w.from &&
      now < w.until - GRACE_MS &&
      (w.channel === undefined || w.channel === channel),
  );
}
