import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../core/format/i18n.js';
import type { Logger } from '../../logger.js';
import { createTokenCheck, sendUnauthorized } from '../auth.js';
import { renderDisabledPage } from './disabled-page.js';
import { renderAdminPage, type PageOptions } from './page.js';
import { normalisePhone } from './phone.js';
import { renderProblemPage } from './layout.js';
import { actorOf, BASE_HEADERS, crossSite, newNonce, pageCsp, sendPage } from './security.js';
import { registerConsole, type ConsoleOptions } from './console-routes.js';
import { chooseSession } from './sessions.js';
import { adminTexts, type AdminTexts } from './texts.js';
import type { AdminRoute, AdminStatus } from './types.js';
import { createViewBuilder, statusJson } from './view.js';

export type {
  AdminFailure,
  AdminJobs,
  AdminRoute,
  AdminSession,
  AdminStatus,
  AdminView,
  ConversationDirectory,
  PairingProvider,
  SlackLinks,
  WhatsAppRouteStatus,
  WhatsAppState,
} from './types.js';

export interface AdminOptions {
  /** ADMIN_TOKEN; without it /admin only says how to turn it on. */
  token: string | undefined;
  status: () => Promise<AdminStatus>;
  /**
   * Every route, in order; a WhatsApp Web route's session can be paired (QR or code) and unlinked.
   * Without any session there is nothing to pair: the pairing and unlink endpoints do not exist.
   */
  routes: readonly AdminRoute[];
  logger: Logger;
  /** How often the page polls while pairing (the QR rotates); tests shorten it. */
  refreshMs?: number;
  /** The console's Jobs page (retry, discard). */
  jobs?: ConsoleOptions['jobs'];
  /** The console's Conversations page, with links to the Slack threads. */
  conversations?: ConsoleOptions['conversations'];
  links?: ConsoleOptions['links'];
  /** LOCALE: the language of every page (status.json stays as it is); English without it. */
  locale?: Locale;
}

export const ADMIN_REALM = 'Basic realm="Switchboard admin"';

/**
 * Without ADMIN_TOKEN a person opening /admin learns how to turn it on. Still a 404: the console
 * does not exist in this configuration, and nothing changes until someone sets the token and
 * restarts; a 503 would say "try again later" to monitors and clients that retry. The JSON and
 * the form's endpoint stay plain 404s.
 */
function registerDisabled(app: FastifyInstance, t: AdminTexts): void {
  const disabled = async (_req: FastifyRequest, reply: FastifyReply) => {
    const nonce = newNonce();
    return reply.code(404).headers(BASE_HEADERS).header('content-security-policy', pageCsp(nonce)).type('text/html; charset=utf-8').send(renderDisabledPage(t, { nonce }));
  };
  app.get('/admin', disabled);
  app.get('/admin/', disabled);
}

export function registerAdmin(app: FastifyInstance, opts: AdminOptions): void {
  const log = opts.logger.child({ component: 'admin' });
  const t = adminTexts(opts.locale);
  if (!opts.token) {
    log.info('ADMIN_TOKEN is not set: the /admin page is disabled');
    registerDisabled(app, t);
    return;
  }
  const check = createTokenCheck(opts.token);
  const toView = createViewBuilder(t);
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

  const pairable = new Set(opts.routes.filter((r) => r.session).map((r) => r.name));
  const page = async (reply: FastifyReply, code: number, pairing?: PageOptions['pairing']) => {
    const view = await toView(await opts.status());
    const nonce = newNonce();
    const body = renderAdminPage(view, { nonce, refreshMs, pairable, pairing, texts: t });
    return reply.code(code).header('content-security-policy', pageCsp(nonce)).type('text/html; charset=utf-8').send(body);
  };

  app.get('/admin', { onRequest: guard }, async (_req, reply) => page(reply, 200));
  app.get('/admin/', { onRequest: guard }, async (_req, reply) => reply.redirect('/admin'));
  app.get('/admin/status.json', { onRequest: guard }, async (_req, reply) => {
    return reply.type('application/json; charset=utf-8').send(statusJson(await toView(await opts.status())));
  });

  registerConsole(app, { token: opts.token, logger: opts.logger, guard, jobs: opts.jobs, conversations: opts.conversations, links: opts.links, routes: opts.routes, texts: t });

  if (pairable.size === 0) return;
  app.post('/admin/pairing-code', { onRequest: guard }, async (req, reply) => {
    if (crossSite(req)) return reply.code(403).type('text/plain; charset=utf-8').send(`${t.problems.crossSitePlain}\n`);
    const fields = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const chosen = chooseSession(t, opts.routes, fields.route);
    if ('code' in chosen) {
      const back = { href: '/admin', label: t.problems.backToOverview };
      return sendPage(reply, chosen.code, (nonce) => renderProblemPage(t, { nonce, section: 'overview', title: chosen.title, text: chosen.text, back }));
    }
    const { route } = chosen;
    const input = fields.phone;
    const typed = typeof input === 'string' ? input.slice(0, 40) : '';
    const checked = normalisePhone(t, input);
    if ('error' in checked) return page(reply, 400, { route, phone: typed, error: checked.error });
    try {
      const code = await chosen.session.requestPairingCode(checked.phone);
      log.info({ audit: true, action: 'whatsapp.pairing_code', by: actorOf(req.headers.authorization), route }, 'operator requested a WhatsApp pairing code');
      return await page(reply, 200, { route, phone: typed, code });
    } catch (err) {
      log.warn({ err, route }, 'pairing code request failed');
      return page(reply, 502, { route, phone: typed, error: t.problems.noCodeIssued((err as Error).message) });
    }
  });
}
