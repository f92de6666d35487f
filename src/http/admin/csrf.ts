import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a form's token stays good: long enough for a page left open over a shift. */
const TOKEN_TTL_MS = 12 * 60 * 60_000;
/** A token from a clock slightly ahead (another instance behind the same balancer) still counts. */
const CLOCK_SKEW_MS = 60_000;

export interface CsrfTokens {
  /** A token for one action (`retry:42`, `unlink`), to put in that action's form. */
  issue(action: string): string;
  check(action: string, token: unknown): boolean;
}

/**
 * Tokens for the console's forms, so that a page elsewhere cannot make a signed-in browser act:
 * Basic credentials go with any request to us, a token only with a form we served. There are no
 * sessions (and no cookies) to tie it to, so it is an HMAC under a key derived from ADMIN_TOKEN
 * over the action and the time it was issued: changing the token voids every form, a token for one
 * job's retry does not discard another, and nothing is stored server-side.
 */
export function createCsrfTokens(adminToken: string, now: () => number = Date.now): CsrfTokens {
  const key = createHmac('sha256', adminToken).update('switchboard admin forms v1').digest();
  const mac = (action: string, at: number) => createHmac('sha256', key).update(`${action}\n${at}`).digest('base64url');

  return {
    issue: (action) => {
      const at = now();
      return `${at}.${mac(action, at)}`;
    },
    check(action, token) {
      if (typeof token !== 'string' || token.length > 200) return false;
      const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!match) return false;
      const at = Number(match[1]);
      const age = now() - at;
      if (age > TOKEN_TTL_MS || age < -CLOCK_SKEW_MS) return false;
      return timingSafeEqual(Buffer.from(match[2]!), Buffer.from(mac(action, at)));
    },
  };
}
