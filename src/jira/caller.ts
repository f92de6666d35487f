import { BridgeError } from '../core/errors.js';
import { toJiraBridgeError } from './client-errors.js';

/** Runs one Jira call: its failure becomes a BridgeError, and a 429 holds back every later call of the account. */
export type JiraCaller = <T>(op: string, fn: () => Promise<T>) => Promise<T>;

/**
 * The limit is the account's: after a 429 nothing is sent until its Retry-After has passed (Jira would refuse
 * it again, with a longer wait); each job waiting on it is retried when the window ends. Everything that talks
 * to Jira with one credential shares one caller, so the window holds for all of it.
 */
export function createJiraCaller(credential: { email: string; apiToken: string }): JiraCaller {
  const secrets = [credential.apiToken, Buffer.from(`${credential.email}:${credential.apiToken}`).toString('base64')];
  let pausedUntil = 0;
  return async function call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const wait = pausedUntil - Date.now();
    if (wait > 0) throw new BridgeError(`Jira ${op} held back: Jira asked to wait (Retry-After)`, { code: 'rate_limited', retryable: true, retryAfterMs: wait });
    try {
      return await fn();
    } catch (err) {
      const e = toJiraBridgeError(err, op, secrets);
      if (e.code === 'rate_limited' && e.retryAfterMs) pausedUntil = Math.max(pausedUntil, Date.now() + e.retryAfterMs);
      throw e;
    }
  };
}
