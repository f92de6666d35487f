import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthVerdict = 'ok' | 'missing' | 'wrong';

// Both sides are hashed first so the comparison is constant-time and does not leak the token's length.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

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
