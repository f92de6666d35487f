import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply } from 'fastify';

export type AuthVerdict = 'ok' | 'missing' | 'wrong';

// Both sides are hashed first so the comparison is constant-time and does not leak the secret's length.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Compares a secret someone sent with the configured one in constant time (lengths may differ). */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The one 401 answer of every authenticated route (webhooks, /slack/events, /admin, /metrics). It
 * never says which check failed (signature, timestamp, token, header), so a caller probing the
 * routes learns nothing; the route's warn log line says it for the operator.
 */
export const UNAUTHORIZED = { error: 'unauthorized' } as const;

export function sendUnauthorized(reply: FastifyReply): FastifyReply {
  return reply.code(401).type('application/json; charset=utf-8').send(UNAUTHORIZED);
}

/**
 * Accepts `Authorization: Bearer <token>` (scripts) or HTTP Basic with the token as the password and
 * any user name (so a browser can sign in with its own prompt). Only the header counts: a token in
 * a query string ends up in proxy logs and browser history.
 */
export function createTokenCheck(token: string): (authorization: string | undefined) => AuthVerdict {
  const expected = digest(token);
  const matches = (candidate: string) => timingSafeEqual(digest(candidate), expected);

  return (authorization) => {
    if (!authorization) return 'missing';
    const space = authorization.indexOf(' ');
    if (space < 0) return 'wrong';
    const scheme = authorization.slice(0, space).toLowerCase();
    const credentials = authorization.slice(space + 1).trim();
    if (scheme === 'bearer') return matches(credentials) ? 'ok' : 'wrong';
    if (scheme === 'basic') {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 && matches(decoded.slice(colon + 1)) ? 'ok' : 'wrong';
    }
    return 'wrong';
  };
}
