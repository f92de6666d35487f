import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createWorker, type Worker } from './queue/worker.js';
import { adoptUserThreads } from './migrate/adopt-user-threads.js';
import type { FailureClassifier } from './queue/failures.js';
import type { JobQueue } from './core/store/queue.js';
import type { Store } from './core/store/store.js';
import { BRIDGE_LANE, createIntake, JOB_BRIDGE_NOTICE, type BridgeNoticeJob } from './intake.js';
import { createAgentStartModule } from './agent-start-module.js';
import { createSlackChatSurface, type SlackChatSurface } from './slack/chat-surface.js';
import { createNotices } from './core/relay/notices.js';
import { detectFfmpeg } from './media/voice.js';
import { createWhatsAppRoutes, type WebHooks } from './whatsapp/transport.js';
import { createSlackReceivers } from './slack/receivers.js';
import { createJiraQueue, type JiraQueue } from './jira/jobs.js';
import { createJobActivityTracker } from './queue/job-activity.js';
import { createPacing } from './pacing.js';
import { opaqueMarker } from './markers.js';
import { createJiraCaller } from './jira/caller.js';
import { createCardActionsModule } from './card-actions-module.js';
import { createJiraModule } from './jira-module.js';
import { createRelayModule } from './relay-module.js';
import { createHttpModule } from './http-module.js';
import { openAppStore } from './app-store.js';
import { startHousekeeping } from './housekeeping.js';

export interface App {
  config: Config;
  store: Store;
  outbox: JobQueue;
  worker: Worker;
  server: FastifyInstance;
  metrics: Metrics;
  slack: SlackChatSurface;
  jiraQueue: JiraQueue;
  /** Listens on `port` (0 picks a free one) and starts the worker; returns the bound address. */
  start(port?: number): Promise<string>;
  /** Graceful: stop taking requests, finish or give back in-flight jobs, close the store. */
  stop(): Promise<void>;
}

export interface AppOverrides {
  /** Declares failures a test injects as retryable (the real ones are classified in queue/failures.ts). */
  classifyFailure?: FailureClassifier;
  /** A fake WhatsApp Web socket (tests). */
  webSocketFactory?: WebHooks['socketFactory'];
  /** Pace in memory even on PostgreSQL (the pacing benchmark's baseline). */
  localPacing?: boolean;
}

/** The composition root: each module wires its own parts; no decision of the relay is made here. */
export async function createApp(config: Config, logger: Logger, overrides: AppOverrides = {}): Promise<App> {
  const metrics = createMetrics();
  const { store, outbox } = await openAppStore(config, logger);
  metrics.setQueueDepthSource(() => outbox.depth());
  const pacing = createPacing(store, { perSecond: config.SLACK_POSTS_PER_SECOND, burst: config.SLACK_POST_BURST }, logger, { local: overrides.localPacing });
  const slack = createSlackChatSurface({ token: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL, timeoutMs: config.SLACK_TIMEOUT_MS, pacer: pacing.slack, logger });
  let wake = () => undefined as void;
  const whatsapp = await createWhatsAppRoutes(
    config,
    logger,
    store.auth,
    {
      socketFactory: overrides.webSocketFactory,
      onState(route, state) {
        if (state !== 'logged_out') return;
        // Said where people work: the route's channel, not only the log and /admin. Queued, so a
        // Slack outage delays it rather than losing it, and a retry does not post it twice.
        const key = `web-logged-out:${route}:${Date.now()}`;
        const payload: BridgeNoticeJob = { notice: 'web_logged_out', key, route };
        outbox
          .enqueue({ kind: JOB_BRIDGE_NOTICE, lane: BRIDGE_LANE, payload, dedupeKey: key })
          .then(() => wake())
          .catch((err: unknown) => logger.error({ err }, 'could not queue the logged-out notice for Slack'));
      },
    },
    pacing.graph,
  );
  const { contacts, messages, effects, tickets } = store;
  const ffmpeg = await detectFfmpeg(config.FFMPEG_PATH);
  if (!ffmpeg) logger.warn({ path: config.FFMPEG_PATH }, 'ffmpeg not found: voice clips from Slack are sent to WhatsApp as documents');
  const notices = createNotices({ chat: slack, effects, locale: config.LOCALE, templateName: config.WHATSAPP_TEMPLATE_NAME, templatePicker: [...whatsapp.sides.values()].some((side) => side.templates), marker: opaqueMarker, now: Date.now });
  const enqueue = async (job: Parameters<JobQueue['enqueue']>[0]) => {
    const r = await outbox.enqueue(job);
    if (r.inserted) wake();
    return r.inserted;
  };
  const agentStart = createAgentStartModule({ config, store, logger, slack, contacts, messages, effects, templatesOf: (route) => whatsapp.side(route).templates, enqueue });
  const jiraQueue = createJiraQueue({ outbox, tickets, batchMs: config.JIRA_COMMENT_BATCH_MS, slaRefreshMs: config.JIRA_SLA_REFRESH_MS, notify: () => wake() });
  // One caller for the credential: a 429's Retry-After holds for the requests and the workflow calls alike.
  const jiraCaller = config.jiraEnabled ? createJiraCaller({ email: config.JIRA_EMAIL!, apiToken: config.JIRA_API_TOKEN! }) : undefined;
  const cardActions = createCardActionsModule(config, { store, tickets, contacts, messages, slack, notices, jiraQueue, jiraCaller, cardNotes: agentStart.cardNotes });
  const jiraFor = await createJiraModule(config, {
    logger,
    tickets,
    contacts,
    slack,
    effects,
    notices,
    caller: jiraCaller,
    extras: config.jiraEnabled ? await cardActions.ticketExtras() : ({} as never),
    cardNotes: agentStart.cardNotes,
  });
  const relay = createRelayModule(config, { store, slack, whatsapp, notices, cardActions, agentStart, jiraQueue, jiraFor, ffmpeg: Boolean(ffmpeg) });
  // The console's Jira panel: when Jira jobs last succeeded and failed.
  const jiraActivity = createJobActivityTracker();
  const worker = createWorker({
    outbox,
    handlers: jiraActivity.watch(relay.handlers, (kind) => kind.startsWith('jira.')),
    logger: logger.child({ component: 'worker' }),
    metrics,
    concurrency: config.QUEUE_CONCURRENCY,
    prefetch: config.QUEUE_PREFETCH,
    leaseMs: config.QUEUE_LEASE_MS,
    deadlineMs: config.QUEUE_JOB_DEADLINE_MS,
    maxCrashes: config.QUEUE_MAX_CRASHES,
    classify: overrides.classifyFailure,
  });
  wake = () => worker.notify();
  const supportChannels = () => Promise.all(config.routes.map((r) => slack.resolveChannel(r.slackChannel)));
  const intake = createIntake(outbox, wake, { contacts, messages, supportChannels, self: () => slack.identity() });
  const slackReceivers = await createSlackReceivers(config, logger, relay.interactions);
  const http = createHttpModule(config, { logger, metrics, store, outbox, worker, slack, whatsapp, pacing, jiraActivity, jiraQueue, socketMode: slackReceivers.socketMode });
  // One lifecycle for every way events come in (src/receiver.ts).
  for (const receiver of [...whatsapp.receivers, ...slackReceivers.all]) receiver.init({ server: http.server, intake, metrics });

  let housekeeping: { stop(): void } | undefined;
  let stopped = false;
  return {
    config,
    store,
    outbox,
    worker,
    server: http.server,
    metrics,
    slack,
    jiraQueue,
    async start(port = config.PORT) {
      const address = await http.server.listen({ port, host: config.HOST });
      // Before the worker runs anything: a known contact's next message must find its old thread.
      await adoptUserThreads(store, { channel: () => slack.resolveChannel(config.SLACK_CHANNEL), logger }).catch((err: unknown) =>
        logger.warn({ err }, 'could not adopt WhatsAppInSlack userThreads now; the next start tries again'),
      );
      worker.start();
      for (const receiver of whatsapp.receivers) await receiver.start();
      // Slack may be slow to answer or refuse the token: the service runs meanwhile, and says why.
      for (const receiver of slackReceivers.all) {
        receiver.start().catch((err: unknown) => logger.error({ err }, 'Slack Socket Mode could not connect; check SLACK_APP_TOKEN (npm run doctor)'));
      }
      // Learn the bot's scopes early (chat:write.customize decides how messages are shown).
      slack.identity().catch((err: unknown) => logger.error({ err }, 'Slack auth.test failed; check SLACK_BOT_TOKEN (npm run doctor)'));
      housekeeping = startHousekeeping(config, { outbox, effects, tickets, jiraQueue, logger });
      logger.info({ address, transport: config.WHATSAPP_TRANSPORT, routes: config.routes.length, jira: config.jiraEnabled }, 'switchboard listening');
      return address;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      housekeeping?.stop();
      for (const receiver of slackReceivers.all) await receiver.stop().catch((err: unknown) => logger.warn({ err }, 'closing Socket Mode failed'));
      await http.server.close();
      // Replies still in flight keep their socket: the connection closes after the worker.
      await worker.stop(config.SHUTDOWN_TIMEOUT_MS);
      for (const receiver of whatsapp.receivers) await receiver.stop().catch((err: unknown) => logger.warn({ err }, 'closing the WhatsApp connection failed'));
      await store.close();
      logger.info('switchboard stopped');
    },
  };
}
