import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../logger.js';
import { errorCode } from './advice.js';
import { renderConversationsPage, type ConversationRow } from './conversations-page.js';
import { createCsrfTokens } from './csrf.js';
import { renderConfirmPage, renderJobsPage, type JobAction } from './jobs-page.js';
import { renderProblemPage } from './layout.js';
import { actorOf, crossSite, sendPage } from './security.js';
import { chooseSession } from './sessions.js';
import type { AdminTexts } from './texts.js';
import type { AdminJobs, AdminRoute, ConversationDirectory, SlackLinks } from './types.js';
import { renderUnlinkPage } from './unlink-page.js';
import type { ConsoleSection } from './shell.js';

export interface ConsoleOptions {
  token: string;
  logger: Logger;
  /** The sign-in check every route runs first. */
  guard: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  jobs?: AdminJobs;
  conversations?: ConversationDirectory;
  links?: SlackLinks;
  /** Every route, in order: a WhatsApp Web route's session can be unlinked (logged out, to pair afresh). */
  routes?: readonly AdminRoute[];
  now?: () => number;
  /** The pages' words, in LOCALE. */
  texts: AdminTexts;
}

const JOBS_SHOWN = 50;
const CONVERSATIONS_PER_PAGE = 25;
const ACTIONS: ReadonlySet<string> = new Set(['retry', 'discard']);

const field = (body: unknown, name: string): unknown => (body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined);
const jobId = (text: string) => (/^\d{1,15}$/.test(text) ? Number(text) : undefined);

/**
 * The console's pages beyond the overview: jobs (retry, discard), conversations, unlinking
 * WhatsApp Web. Every change is a POST from a form we served: same origin (Fetch Metadata,
 * Origin) and that form's token, checked before anything is done; each one done is an info line
 * saying who, what and which job (never a number, a name or message text).
 */
export function registerConsole(app: FastifyInstance, opts: ConsoleOptions): void {
  const log = opts.logger.child({ component: 'admin' });
  const csrf = createCsrfTokens(opts.token, opts.now);
  const onRequest = opts.guard;
  const { texts } = opts;
  const p = texts.problems;

  const problem = (reply: FastifyReply, code: number, section: ConsoleSection, title: string, text: string, back = { href: '/admin/jobs', label: p.backToJobs }) =>
    sendPage(reply, code, (nonce) => renderProblemPage(texts, { nonce, section, title, text, back }));

  /** Refuses a change that did not come from our own form; says why in the log, not to the caller. */
  const refused = (req: FastifyRequest, reply: FastifyReply, action: string, section: ConsoleSection): FastifyReply | undefined => {
    if (crossSite(req)) {
      log.warn({ action, site: req.headers['sec-fetch-site'] }, 'admin action refused: cross-site request');
      return problem(reply, 403, section, p.refused, p.crossSite);
    }
    if (!csrf.check(action, field(req.body, 'csrf'))) {
      log.warn({ action }, 'admin action refused: missing or stale form token');
      return problem(reply, 403, section, p.refused, p.staleForm);
    }
    return undefined;
  };

  const { jobs } = opts;
  if (jobs) {
    app.get('/admin/jobs', { onRequest }, async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const id = typeof q.job === 'string' ? jobId(q.job) : undefined;
      const flash = typeof q.done === 'string' && ACTIONS.has(q.done) && id !== undefined ? { action: q.done as JobAction, id } : undefined;
      const [pending, dead] = await Promise.all([jobs.listJobs({ status: 'pending', limit: JOBS_SHOWN }), jobs.listJobs({ status: 'dead', limit: JOBS_SHOWN })]);
      return sendPage(reply, 200, (nonce) => renderJobsPage(texts, { pending, dead, limit: JOBS_SHOWN, flash }, nonce));
    });

    const target = async (req: FastifyRequest, reply: FastifyReply) => {
      const { id: idText, action } = req.params as { id: string; action: string };
      const id = jobId(idText);
      if (!ACTIONS.has(action) || id === undefined) return { reply: problem(reply, 404, 'jobs', p.noSuchJob, p.noJobNumbered) };
      return { id, action: action as JobAction };
    };
    const notDead = async (reply: FastifyReply, id: number) => {
      const job = await jobs.find(id);
      if (!job) return problem(reply, 404, 'jobs', p.noSuchJob, p.noJob(id));
      return problem(reply, 409, 'jobs', p.notDead(id), p.notDeadText(id, texts.jobs.status[job.status]));
    };

    app.get('/admin/jobs/:id/:action', { onRequest }, async (req, reply) => {
      const t = await target(req, reply);
      if ('reply' in t) return t.reply;
      const job = await jobs.find(t.id);
      if (!job || job.status !== 'dead') return notDead(reply, t.id);
      return sendPage(reply, 200, (nonce) => renderConfirmPage(texts, job, t.action, csrf.issue(`${t.action}:${t.id}`), nonce));
    });

    app.post('/admin/jobs/:id/:action', { onRequest }, async (req, reply) => {
      const t = await target(req, reply);
      if ('reply' in t) return t.reply;
      const stop = refused(req, reply, `${t.action}:${t.id}`, 'jobs');
      if (stop) return stop;
      // Read first for the audit line; the change itself is conditional on the job still being dead.
      const job = await jobs.find(t.id);
      const done = job?.status === 'dead' && (t.action === 'retry' ? await jobs.retryDead(t.id) : await jobs.discardDead(t.id));
      if (!done) return notDead(reply, t.id);
      log.info(
        { audit: true, action: `job.${t.action}`, by: actorOf(req.headers.authorization), jobId: t.id, kind: job.kind, attempts: job.attempts, code: errorCode(job.lastError) },
        t.action === 'retry' ? 'operator retried a dead job' : 'operator discarded a dead job',
      );
      if (t.action === 'retry') jobs.wake();
      return reply.redirect(`/admin/jobs?done=${t.action}&job=${t.id}`, 303);
    });
  }

  const { conversations } = opts;
  if (conversations) {
    app.get('/admin/conversations', { onRequest }, async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const query = typeof q.q === 'string' ? q.q.trim().slice(0, 100) : '';
      const page = typeof q.page === 'string' && /^\d{1,6}$/.test(q.page) ? Math.max(1, Number(q.page)) : 1;
      const found = await conversations.search({ text: query, limit: CONVERSATIONS_PER_PAGE + 1, offset: (page - 1) * CONVERSATIONS_PER_PAGE });
      const rows: ConversationRow[] = await Promise.all(
        found.slice(0, CONVERSATIONS_PER_PAGE).map(async (c) => {
          if (!c.slackChannel || !c.cardTs || !opts.links) return c;
          return { ...c, threadUrl: await opts.links.message(c.slackChannel, c.cardTs) };
        }),
      );
      return sendPage(reply, 200, (nonce) => renderConversationsPage(texts, { query, page, rows, hasMore: found.length > CONVERSATIONS_PER_PAGE }, nonce));
    });
  }

  const routes = opts.routes ?? [];
  if (routes.some((r) => r.session)) {
    const several = routes.length > 1;
    const overview = { href: '/admin', label: p.backToOverview };
    app.get('/admin/whatsapp/unlink', { onRequest }, async (req, reply) => {
      const chosen = chooseSession(texts, routes, (req.query as Record<string, unknown>).route);
      if ('code' in chosen) return problem(reply, chosen.code, 'overview', chosen.title, chosen.text, overview);
      return sendPage(reply, 200, (nonce) => renderUnlinkPage(texts, { csrf: csrf.issue(`unlink:${chosen.route}`), nonce, route: chosen.route, several }));
    });
    app.post('/admin/whatsapp/unlink', { onRequest }, async (req, reply) => {
      const chosen = chooseSession(texts, routes, field(req.body, 'route'));
      if ('code' in chosen) return problem(reply, chosen.code, 'overview', chosen.title, chosen.text, overview);
      const { route } = chosen;
      const stop = refused(req, reply, `unlink:${route}`, 'overview');
      if (stop) return stop;
      try {
        await chosen.session.unlink();
      } catch (err) {
        log.error({ err, route }, 'unlinking WhatsApp Web failed');
        return problem(reply, 502, 'overview', p.notUnlinked, p.unlinkFailed((err as Error).message), overview);
      }
      log.info({ audit: true, action: 'whatsapp.unlink', by: actorOf(req.headers.authorization), route }, 'operator unlinked WhatsApp Web');
      return reply.redirect('/admin', 303);
    });
  }
}
