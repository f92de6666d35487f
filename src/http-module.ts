import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { JobQueue } from './core/store/queue.js';
import type { Store } from './core/store/store.js';
import { registerAdmin } from './http/admin/routes.js';
import { createSlackLinks } from './http/admin/slack-links.js';
import { adminStatus } from './http/admin/status.js';
import { createHttpServer, type ReadinessCheck } from './http/server.js';
import type { JiraQueue } from './jira/jobs.js';
import { registerJiraWebhook } from './jira/webhook-route.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Pacing } from './pacing.js';
import type { JobActivityTracker } from './queue/job-activity.js';
import type { Worker } from './queue/worker.js';
import type { SlackChatSurface } from './slack/chat-surface.js';
import type { SocketModeReceiver } from './slack/socket-mode.js';
import type { WhatsAppRoutes } from './whatsapp/transport.js';
import { webConnectedGauges } from './whatsapp/web/health.js';

/**
 * The HTTP server with what is not a receiver's: /readyz's checks, /admin (pairing, jobs,
 * conversations) and the Jira webhook. Receivers add their own routes at init.
 */
export function createHttpModule(
  config: Config,
  parts: {
    logger: Logger;
    metrics: Metrics;
    store: Store;
    outbox: JobQueue;
    worker: Worker;
    slack: SlackChatSurface;
    whatsapp: WhatsAppRoutes;
    pacing: Pacing;
    jiraActivity: JobActivityTracker;
    jiraQueue: JiraQueue;
    socketMode?: SocketModeReceiver;
  },
): { server: FastifyInstance } {
  const { logger, metrics, store, outbox, worker, slack, whatsapp } = parts;
  const sessions = [...whatsapp.sides].filter(([, side]) => side.connection).map(([route, side]) => ({ route, connection: side.connection! }));
  const readiness: ReadinessCheck[] = [
    {
      name: 'store',
      async check() {
        await store.ping();
        return { ok: true };
      },
    },
    {
      name: 'slack',
      async check() {
        const id = await slack.identity();
        return { ok: true, detail: `bot ${id.userId}` };
      },
    },
    ...sessions.map(({ route, connection }) => ({
      name: sessions.length === 1 ? 'whatsapp web' : `whatsapp web ${route}`,
      check: async () => ({ ok: connection.state() === 'open', detail: connection.state() }),
    })),
  ];
  const socketMode = parts.socketMode;
  if (socketMode) {
    readiness.push({ name: 'slack socket mode', check: async () => ({ ok: socketMode.isConnected(), detail: socketMode.isConnected() ? undefined : 'not connected' }) });
  }
  const server = createHttpServer({
    logger,
    metrics,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    readiness,
    metricsToken: config.METRICS_TOKEN,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
  });
  webConnectedGauges(metrics.registry, sessions);
  registerAdmin(server, {
    token: config.ADMIN_TOKEN,
    locale: config.LOCALE,
    logger,
    // Every route's number; each WhatsApp Web session is paired and unlinked on its own (ROUTES_FILE: see README, Routes).
    routes: [...whatsapp.sides].map(([name, side]) => ({ name, session: side.connection })),
    status: () => adminStatus({ config, outbox, slack, whatsapp: whatsapp.sides, pacing: parts.pacing, jiraActivity: parts.jiraActivity.snapshot }),
    jobs: {
      listJobs: (filter) => outbox.listJobs(filter),
      retryDead: (id) => outbox.retryDead(id),
      discardDead: (id) => outbox.discardDead(id),
      find: (id) => outbox.findJob(id),
      wake: () => worker.notify(),
    },
    conversations: store.directory,
    links: createSlackLinks(slack),
  });
  if (config.jiraEnabled) {
    registerJiraWebhook(server, { secret: config.JIRA_WEBHOOK_SECRET, secretHeader: config.JIRA_WEBHOOK_SECRET_HEADER, tickets: store.tickets, queue: parts.jiraQueue, logger });
  }
  return { server };
}
