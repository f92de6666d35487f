/**
 * The fake Jira's own rate limit: a token bucket per account, answered as developer.atlassian.com/cloud/jira/
 * platform/rate-limiting/ describes: 429 with `Retry-After` (seconds), `X-RateLimit-Reset` (ISO 8601,
 * yyyy-MM-ddTHH:mmZ), `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `RateLimit-Reason` (API-token traffic is
 * under the burst limit: `jira-burst-based`), and `X-RateLimit-NearLimit: true` once less than 20% is left.
 * A request sent again inside the Retry-After window "will fail and return the same or longer Retry-After".
 * When the window is over the limit has reset: the account starts again with a full bucket.
 */

export interface JiraRateLimit {
  /** Requests an account may send back to back. */
  capacity: number;
  /** Requests per second the bucket refills with. */
  refillPerSecond: number;
  /** How long an account over the limit is refused; default: until the bucket holds a token again. */
  retryAfterSeconds?: number;
}

export interface RateLimitStats {
  /** 429s answered. */
  limited: number;
  /** Requests that arrived while their account was inside a Retry-After window it had been told. */
  insideWindow: number;
}

/** High enough for every test that does not test the limit itself. */
export const DEFAULT_RATE_LIMIT: JiraRateLimit = { capacity: 200, refillPerSecond: 100 };

export interface Admission {
  limited: boolean;
  headers: Record<string, string>;
}

export function createAccountLimiter(limit: JiraRateLimit | false, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number; blockedUntil: number }>();
  const stats: RateLimitStats = { limited: 0, insideWindow: 0 };

  const refused = (capacity: number, until: number, t: number): Admission => {
    stats.limited += 1;
    return {
      limited: true,
      headers: {
        'retry-after': String(Math.max(1, Math.ceil((until - t) / 1000))),
        'x-ratelimit-reset': new Date(until).toISOString().slice(0, 16) + 'Z',
        'x-ratelimit-limit': String(capacity),
        'x-ratelimit-remaining': '0',
        'ratelimit-reason': 'jira-burst-based',
      },
    };
  };

  return {
    stats,
    /** Takes a token for the account, or says how long it must wait. */
    admit(account: string): Admission {
      if (!limit) return { limited: false, headers: {} };
      const t = now();
      const b = buckets.get(account) ?? { tokens: limit.capacity, at: t, blockedUntil: 0 };
      buckets.set(account, b);
      b.tokens = Math.min(limit.capacity, b.tokens + ((t - b.at) / 1000) * limit.refillPerSecond);
      b.at = t;
      if (t < b.blockedUntil) {
        stats.insideWindow += 1;
        return refused(limit.capacity, b.blockedUntil, t);
      }
      if (b.blockedUntil > 0) {
        b.blockedUntil = 0;
        b.tokens = limit.capacity;
      }
      if (b.tokens < 1) {
        // Whole seconds, as Retry-After is.
        b.blockedUntil = t + (limit.retryAfterSeconds ?? Math.max(1, Math.ceil((1 - b.tokens) / limit.refillPerSecond))) * 1000;
        return refused(limit.capacity, b.blockedUntil, t);
      }
      b.tokens -= 1;
      const headers: Record<string, string> = { 'x-ratelimit-limit': String(limit.capacity), 'x-ratelimit-remaining': String(Math.floor(b.tokens)) };
      if (b.tokens < limit.capacity * 0.2) headers['x-ratelimit-nearlimit'] = 'true';
      return { limited: false, headers };
    },
  };
}
