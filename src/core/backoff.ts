export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 10 * 60_000 };

/**
 * Delay before attempt `attempt + 1`, after `attempt` failures (1-based): exponential with
 * "equal jitter" (half fixed, half random), so retries spread out but never collapse to zero.
 * A vendor's Retry-After is a floor, with a little jitter on top so a paused lane's jobs do
 * not all return in the same millisecond.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) {
    return retryAfterMs + Math.floor(random() * Math.min(1_000, Math.max(50, retryAfterMs * 0.1)));
  }
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(exp / 2 + random() * (exp / 2));
}
