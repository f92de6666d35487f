import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  // JSON, 401s and errors run nothing at all; the page swaps in its own nonce-bearing policy.
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const newNonce = () => randomBytes(16).toString('base64');

/** Sends a page under its own nonce's CSP. */
export function sendPage(reply: FastifyReply, code: number, render: (nonce: string) => string): FastifyReply {
  const nonce = newNonce();
  return reply.code(code).header('content-security-policy', pageCsp(nonce)).type('text/html; charset=utf-8').send(render(nonce));
}

/**
 * A browser signed in with Basic sends the credentials on any request to us, including a form
 * another site submits: such requests are refused. Fetch Metadata decides when it is there (every
 * current browser sends it, and it compares the page's origin with the URL as the browser sees
 * it, so a reverse proxy that rewrites Host does not confuse it); otherwise Origin must name this
 * host ("null", from a sandboxed frame or a redirect, does not). Clients sending neither (curl,
 * scripts) pass: they hold the token themselves.
 */
export function crossSite(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.host;
  } catch {
    return true;
  }
}

/**
 * Who acted, for the audit line: how they signed in and, with Basic, the user name they chose if it
 * is a plain handle. Something else (an e-mail address, spaces) is not logged: it could be personal.
 */
export function actorOf(authorization: string | undefined): string {
  const [scheme = '', credentials = ''] = (authorization ?? '').split(' ', 2);
  if (scheme.toLowerCase() !== 'basic') return 'bearer token';
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const user = decoded.slice(0, Math.max(0, decoded.indexOf(':')));
  return /^[A-Za-z0-9._-]{1,32}$/.test(user) ? `basic:${user}` : 'basic';
}
