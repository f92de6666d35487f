import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../logger.js';
import { createTokenCheck, sendUnauthorized } from '../auth.js';
import { renderDisabledPage } from './disabled-page.js';
import { renderAdminPage, type PageOptions } from './page.js';
import { normalisePhone } from './phone.js';
import { BASE_HEADERS, crossSite, newNonce, pageCsp } from './security.js';
import { registerConsole, type ConsoleOptions } from './console-routes.js';
import type { AdminStatus, PairingProvider } from './types.js';
import { createViewBuilder } from './view.js';

export type { AdminFailure, AdminJobs, AdminStatus, AdminView, ConversationDirectory, PairingProvider, SlackLinks, WhatsAppState } from './types.js';

export interface AdminOptions {
  /** ADMIN_TOKEN; without it /admin only says how to turn it on. */
  token: string | undefined;
  status: () => Promise<AdminStatus>;
  /** Only the WhatsApp Web transport can be paired by code. */
  pairing?: PairingProvider;
  logger: Logger;
  /** How often the page polls while pairing (the QR rotates); tests shorten it. */
  refreshMs?: number;
  /** The console's Jobs page (retry, discard). */
  jobs?: ConsoleOptions['jobs'];
  /** The console's Conversations page, with links to the Slack threads. */
  conversations?: ConsoleOptions['conversations'];
  links?: ConsoleOptions['links'];
  /** WhatsApp Web only: Unlink. */
  unlink?: ConsoleOptions['unlink'];
}

export const ADMIN_REALM = 'Basic realm="Switchboard admin"';

/**
 * Without ADMIN_TOKEN a person opening /admin learns how to turn it on. Still a 404: the console
 * does not exist in this configuration, and nothing changes until someone sets the token and
 * restarts; a 503 would say "try again later" to monitors and clients that retry. The JSON and
 * the form's endpoint stay plain 404s.
 */
function registerDisabled(app: FastifyInstance): void {
  const disabled = async (_req: FastifyRequest, reply: FastifyReply) => {
    const nonce = newNonce();
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
    const nonce = newNonce();
    const body = renderAdminPage(view, { nonce, refreshMs, canPair: Boolean(opts.pairing), pairing });
    return reply.code(code).header('content-security-policy', pageCsp(nonce)).type('text/html; charset=utf-8').send(body);
  };

  app.get('/admin', { onRequest: guard }, async (_req, reply) => page(reply, 200));
  app.get('/admin/', { onRequest: guard }, async (_req, reply) => reply.redirect('/admin'));
  app.get('/admin/status.json', { onRequest: guard }, async (_req, reply) => {
    return reply.type('application/json; charset=utf-8').send(await toView(await opts.status()));
  });

  registerConsole(app, { token: opts.token, logger: opts.logger, guard, jobs: opts.jobs, conversations: opts.conversations, links: opts.links, unlink: opts.unlink });

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
