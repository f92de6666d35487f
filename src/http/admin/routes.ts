import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../logger.js';
import { createTokenCheck, sendUnauthorized } from '../auth.js';
import { renderDisabledPage } from './disabled-page.js';
import { renderAdminPage, type PageOptions } from './page.js';
import { normalisePhone } from './phone.js';
import type { AdminStatus, PairingProvider } from './types.js';
import { createViewBuilder } from './view.js';

export type { AdminFailure, AdminStatus, AdminView, PairingProvider, WhatsAppState } from './types.js';

export interface AdminOptions {
  /** ADMIN_TOKEN; without it /admin only says how to turn it on. */
  token: string | undefined;
  status: () => Promise<AdminStatus>;
  /** Only the WhatsApp Web transport can be paired by code. */
  pairing?: PairingProvider;
  logger: Logger;
  /** How often the page polls while pairing (the QR rotates); tests shorten it. */
  refreshMs?: number;
}

export const ADMIN_REALM = 'Basic realm="Switchboard admin"';

const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  // JSON, 401s and errors run nothing at all; the page swaps in its own nonce-bearing policy.
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function pageCsp(nonce: string): string {
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

/**
 * A browser signed in with Basic sends the credentials on any request to us, including a form
 * another site submits: such requests are refused. Clients without Fetch Metadata (curl) pass.
 */
function crossSite(req: FastifyRequest): boolean {
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
 * Without ADMIN_TOKEN a person opening /admin learns how to turn it on. Still a 404: the console
 * does not exist in this configuration, and nothing changes until someone sets the token and
 * restarts; a 503 would say "try again later" to monitors and clients that retry. The JSON and
 * the form's endpoint stay plain 404s.
 */
function registerDisabled(app: FastifyInstance): void {
  const disabled = async (_req: FastifyRequest, reply: FastifyReply) => {
    const nonce = randomBytes(16).toString('base64');
    return reply.code(404).headers(BASE_HEADERS).header('content-security-policy', pageCsp(nonce)).type('text/html; charset=utf-8').send(renderDisabledPage({ nonce }));
  };
  app.get('/admin', disabled);
  app.get('/admin/', disabled);
}

export function registerAdmin(app: FastifyInstance, opts: AdminOptions): void {
  const log = opts.logger.child({ component: 'admin' });
  if (!opts.token) {
    log.info('ADMIN_TOKEN is not set: the /admin page is disabled');
    registerDisabled(app);
    return;
  }
  const check = createTokenCheck(opts.token);
  const toView = createViewBuilder();
  const refreshMs = opts.refreshMs ?? 3000;

  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    reply.headers(BASE_HEADERS);
    const verdict = check(req.headers.authorization);
    if (verdict === 'ok') return;
    // A browser's first visit carries no credentials: only a wrong token is worth a line.
    if (verdict === 'wrong') log.warn({ ip: req.ip }, 'admin sign-in refused: wrong token');
    // The realm makes a browser ask for the token (as the password, any user name).
    return sendUnauthorized(reply.header('www-authenticate', ADMIN_REALM));
  };

  const page = async (reply: FastifyReply, code: number, pairing?: PageOptions['pairing']) => {
    const view = await toView(await opts.status());
    const nonce = randomBytes(16).toString('base64');
    const body = renderAdminPage(view, { nonce, refreshMs, canPair: Boolean(opts.pairing), pairing });
    return reply.code(code).header('content-security-policy', pageCsp(nonce)).type('text/html; charset=utf-8').send(body);
  };

  app.get('/admin', { onRequest: guard }, async (_req, reply) => page(reply, 200));
  app.get('/admin/', { onRequest: guard }, async (_req, reply) => reply.redirect('/admin'));
  app.get('/admin/status.json', { onRequest: guard }, async (_req, reply) => {
    return reply.type('application/json; charset=utf-8').send(await toView(await opts.status()));
  });

  const { pairing } = opts;
  if (!pairing) return;
  app.post('/admin/pairing-code', { onRequest: guard }, async (req, reply) => {
    if (crossSite(req)) return reply.code(403).type('text/plain; charset=utf-8').send('Cross-site requests are refused.\n');
    const input = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>).phone : undefined;
    const typed = typeof input === 'string' ? input.slice(0, 40) : '';
    const checked = normalisePhone(input);
    if ('error' in checked) return page(reply, 400, { phone: typed, error: checked.error });
    try {
      const code = await pairing.requestPairingCode(checked.phone);
      log.info('pairing code issued');
      return await page(reply, 200, { phone: typed, code });
    } catch (err) {
      log.warn({ err }, 'pairing code request failed');
      return page(reply, 502, { phone: typed, error: `WhatsApp did not issue a code: ${(err as Error).message}` });
    }
  });
}
