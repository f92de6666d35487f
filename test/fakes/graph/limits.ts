/**
 * Graph's limits on sends: the customer-service window and the two rate limits.
 *
 * - 24-hour window: a free-form (non-template) message to a user who has not written in the last
 *   24 hours is refused with 131047 "Re-engagement message", details "More than 24 hours have passed
 *   since the recipient last replied to the sender number." (error-codes page; dualhook.com/docs/whatsapp-error-131047).
 *   Templates are always allowed.
 * - Throughput per business number: 80 messages/s by default; over it 130429 "Rate limit hit",
 *   details "Cloud API message throughput has been reached." (Meta's Throughput page, as quoted at
 *   dualhook.com/docs/whatsapp-error-130429; heltar.com reports HTTP 400).
 * - Pair rate limit, one business number → one user: about one message every 6 s (10/min) with
 *   bursts of up to 45; over it 131056 "(Business Account, Consumer Account) pair rate limit hit"
 *   (developers.whats91.com/rate-limits, quoting Meta).
 * Both rate limits answer HTTP 400 with the Graph error and, from this fake, a `Retry-After` (seconds);
 * a request that arrives while a Retry-After the fake sent is still running is counted.
 */

export interface GraphRateLimit {
  /** Business-number throughput, messages per second. */
  perSecond: number;
  /** How many sends in a row the number takes from rest. Default: perSecond. */
  burst?: number;
  /** Pair rate, messages per minute to one user; 0 turns it off. Default 10. */
  pairPerMinute?: number;
  /** Pair burst. Default 45. */
  pairBurst?: number;
}

/** Meta's defaults: what the fake enforces unless told otherwise. */
export const META_RATE_LIMIT: Readonly<Required<GraphRateLimit>> = { perSecond: 80, burst: 80, pairPerMinute: 10, pairBurst: 45 };

export const WINDOW_MS = 24 * 60 * 60_000;

export type LimitKind = 'throughput' | 'pair';

export interface GraphRetryWindow {
  kind: LimitKind;
  /** The recipient, for the pair limit. */
  recipient: string | undefined;
  from: number;
  until: number;
  retryAfter: number;
  /** Requests that arrived inside the window. */
  hits: number;
}

export interface LimitRefusal {
  code: 130429 | 131056;
  retryAfter: number;
  details: string;
}

const DETAILS: Record<LimitKind, string> = {
  throughput: 'Cloud API message throughput has been reached.',
  pair: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
};
const CODE: Record<LimitKind, LimitRefusal['code']> = { throughput: 130429, pair: 131056 };

/** Phone numbers compare by digits; anything else (a BSUID) as given. */
export const userKey = (id: string): string => (/^[+\d\s().-]+$/.test(id) ? id.replace(/\D/g, '') : id);

class Bucket {
  private tokens: number;
  private at: number | undefined;
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes a token; when none is left, the whole seconds until one is (at least 1). */
  take(now: number): number | undefined {
    this.tokens = Math.min(this.burst, this.tokens + ((now - (this.at ?? now)) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond));
  }
}

/** Tolerance at a window's end: timers may fire a few ms early by the wall clock. */
const GRACE_MS = 25;

export function createThrottle(cfg: GraphRateLimit, enforceRetryAfter: boolean) {
  const number = new Bucket(cfg.perSecond, cfg.burst ?? cfg.perSecond);
  const pairPerMinute = cfg.pairPerMinute ?? META_RATE_LIMIT.pairPerMinute;
  const pairs = new Map<string, Bucket>();
  const windows: GraphRetryWindow[] = [];

  const refusal = (kind: LimitKind, retryAfter: number): LimitRefusal => ({ code: CODE[kind], retryAfter, details: DETAILS[kind] });
  const open = (kind: LimitKind, recipient: string | undefined, now: number, retryAfter: number) => {
    windows.push({ kind, recipient, from: now, until: now + retryAfter * 1000, retryAfter, hits: 0 });
    return refusal(kind, retryAfter);
  };

  return {
    windows,
    /** Whether a send to `recipient` now goes through; the refusal to answer if not. */
    check(recipient: string, now: number): LimitRefusal | undefined {
      const key = userKey(recipient);
      const inside = windows.find((w) => now >= w.from && now < w.until - GRACE_MS && (w.kind === 'throughput' || w.recipient === key));
      if (inside) {
        inside.hits += 1;
        if (enforceRetryAfter) return refusal(inside.kind, Math.max(1, Math.ceil((inside.until - now) / 1000)));
      }
      const wait = number.take(now);
      if (wait !== undefined) return open('throughput', undefined, now, wait);
      if (pairPerMinute > 0) {
        const pair = pairs.get(key) ?? new Bucket(pairPerMinute / 60, cfg.pairBurst ?? META_RATE_LIMIT.pairBurst);
        pairs.set(key, pair);
        const pairWait = pair.take(now);
        if (pairWait !== undefined) return open('pair', key, now, pairWait);
      }
      return undefined;
    },
  };
}

/** When each user last wrote; the window is open for 24 hours after that. */
export function createServiceWindow() {
  const lastWrote = new Map<string, number>();
  return {
    wrote(id: string, at: number): void {
      const key = userKey(id);
      lastWrote.set(key, Math.max(at, lastWrote.get(key) ?? -Infinity));
    },
    isOpen(id: string, now: number): boolean {
      const at = lastWrote.get(userKey(id));
      return at !== undefined && now - at <= WINDOW_MS;
    },
    clear: () => lastWrote.clear(),
  };
}

export const WINDOW_DETAILS = 'More than 24 hours have passed since the recipient last replied to the sender number.';
