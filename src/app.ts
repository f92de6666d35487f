import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { createHttpServer, type ReadinessCheck } from './http/server.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createWorker, type JobHandler, type Worker } from './queue/worker.js';
import { describeStoreError } from './store/errors.js';
import { openStore } from './store/open.js';
import { adoptUserThreads } from './migrate/adopt-user-threads.js';
import type { FailureClassifier } from './queue/failures.js';
import type { JobQueue } from './core/store/queue.js';
import type { Store } from './core/store/store.js';
import { BRIDGE_LANE, createIntake, JOB_BRIDGE_NOTICE, type BridgeNoticeJob } from './intake.js';
import { createRelayHandlers, queueAgentLine, type RelayHandlerDeps } from './relay-handlers.js';
import { createAgentStartModule } from './agent-start-module.js';
import { createSlackChatSurface, type SlackChatSurface } from './slack/chat-surface.js';
import { emojiToSlackName, slackNameToEmoji } from './slack/emoji.js';
import { createNotices } from './core/relay/notices.js';
import { detectFfmpeg, toOggOpus } from './media/voice.js';
import { createWhatsAppSide, type WebHooks } from './whatsapp/transport.js';
import { webConnectedGauge } from './whatsapp/web/health.js';
import { registerSlackEvents } from './slack/events-route.js';
import { createJiraQueue, type JiraQueue } from './jira/jobs.js';
import { registerJiraWebhook } from './jira/webhook-route.js';
import { registerAdmin } from './http/admin/routes.js';
import { adminStatus } from './http/admin/status.js';
import { createSlackLinks } from './http/admin/slack-links.js';
import { createJobActivityTracker } from './queue/job-activity.js';
import { createPacing } from './pacing.js';
import { opaqueMarker } from './markers.js';
import { createJiraCaller } from './jira/caller.js';
import { createCardActionsModule } from './card-actions-module.js';


/** Finished jobs are kept this long: their dedupe keys absorb Meta's retries (up to 7 days). */
const DONE_RETENTION_MS = 14 * 24 * 60 * 60_000;
/** Side-effect results serve retries only; a month is far longer than any retry lives. */
const EFFECT_RETENTION_MS = 30 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

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

export async function createApp(config: Config, logger: Logger, overrides: AppOverrides = {}): Promise<App> {
  const metrics = createMetrics();
  const store = await openStore(config.DATABASE_URL, {
    // The embedded store serves this process alone; a second Switchboard on the file is refused.
    exclusive: true,
    onConnectionError: (err) =>
      logger.warn({ cause: describeStoreError(err)?.cause ?? err.message }, 'store connection lost; the pool reconnects when needed'),
  });
  let migrated = false;
  try {
    const report = await store.migrate();
    migrated = true;
    logger.info({ dialect: store.kind, applied: report.applied }, 'store ready');
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }

  const outbox = store.queue({ leaseMs: config.QUEUE_LEASE_MS, maxAttempts: config.QUEUE_MAX_ATTEMPTS });
  if (store.exclusive) {
    // The store belongs to this process alone (the embedded file's lock): whatever is still running died with the last one.
    const released = await outbox.releaseAbandoned();
    if (released > 0) logger.warn({ jobs: released }, 'released jobs a stopped process left running; they run again now');
  }
  metrics.setQueueDepthSource(() => outbox.depth());

  const pacing = createPacing(store, { perSecond: config.SLACK_POSTS_PER_SECOND, burst: config.SLACK_POST_BURST }, logger, { local: overrides.localPacing });
  const slack = createSlackChatSurface({
    token: config.SLACK_BOT_TOKEN,
    apiUrl: config.SLACK_API_URL,
    timeoutMs: config.SLACK_TIMEOUT_MS,
    pacer: pacing.slack,
    logger,
  });
  const whatsapp = await createWhatsAppSide(config, logger, store.auth, {
    socketFactory: overrides.webSocketFactory,
    onState(state) {
      if (state !== 'logged_out') return;
      // Say it where people work: the support channel, not only the log and /admin. Queued, so a
      // Slack outage delays it rather than losing it, and a retry does not post it twice.
      const key = `web-logged-out:${Date.now()}`;
      const payload: BridgeNoticeJob = { notice: 'web_logged_out', key };
      outbox
        .enqueue({ kind: JOB_BRIDGE_NOTICE, lane: BRIDGE_LANE, payload, dedupeKey: key })
        .then(() => worker.notify())
        .catch((err: unknown) => logger.error({ err }, 'could not queue the logged-out notice for Slack'));
    },
  }, pacing.graph);
  if (whatsapp.connection) webConnectedGauge(metrics.registry, whatsapp.connection);
  const { contacts, messages: messageMap, effects, tickets } = store;
  const ffmpeg = await detectFfmpeg(config.FFMPEG_PATH);
  if (!ffmpeg) logger.warn({ path: config.FFMPEG_PATH }, 'ffmpeg not found: voice clips from Slack are sent to WhatsApp as documents');
  const notices = createNotices({ chat: slack, effects, locale: config.LOCALE, templateName: config.WHATSAPP_TEMPLATE_NAME, templatePicker: Boolean(whatsapp.templates), marker: opaqueMarker, now: Date.now });
  const agentStart = createAgentStartModule({
    config,
    store,
    logger,
    slack,
    contacts,
    messages: messageMap,
    effects,
    sender: whatsapp.sender,
    templates: whatsapp.templates,
    async enqueue(job) {
      const r = await outbox.enqueue(job);
      if (r.inserted) wake();
      return r.inserted;
    },
  });
  let wake = () => undefined as void;
  const jiraQueue = createJiraQueue({
    outbox,
    tickets,
    batchMs: config.JIRA_COMMENT_BATCH_MS,
    slaRefreshMs: config.JIRA_SLA_REFRESH_MS,
    notify: () => wake(),
  });
  // One caller for the credential: a 429's Retry-After holds for the requests and the workflow calls alike.
  const jiraCaller = config.jiraEnabled ? createJiraCaller({ email: config.JIRA_EMAIL!, apiToken: config.JIRA_API_TOKEN! }) : undefined;
  const cardActions = createCardActionsModule(config, { store, tickets, contacts, messages: messageMap, slack, notices, jiraQueue, jiraCaller, cardNotes: agentStart.cardNotes });
  // jira.js, @slack/socket-mode (and Baileys, in createWhatsAppSide) are imported only when the
  // configuration uses them: each costs memory at start whether or not anything calls it.
  const jiraClient = config.jiraEnabled ? await import('./jira/client.js') : undefined;
  const jira = jiraClient
    ? {
        queue: jiraQueue,
        tickets: {
          locale: config.LOCALE,
          ticketing: jiraClient.createJiraTicketing({
            baseUrl: config.JIRA_BASE_URL!,
            email: config.JIRA_EMAIL!,
            apiToken: config.JIRA_API_TOKEN!,
            serviceDeskId: config.JIRA_SERVICE_DESK_ID!,
            requestTypeId: config.JIRA_REQUEST_TYPE_ID!,
            fetchTimeoutMs: config.JIRA_TIMEOUT_MS,
            logger,
            caller: jiraCaller,
          }),
          tickets,
          contacts,
          chat: slack,
          effects,
          notices,
          summaryTemplate: config.JIRA_SUMMARY_TEMPLATE,
          customerEmailDomain: config.JIRA_CUSTOMER_EMAIL_DOMAIN,
          slaWarnMs: config.JIRA_SLA_WARN_MINUTES * 60_000,
          resolvedMessage: config.JIRA_RESOLVED_MESSAGE,
          sender: whatsapp.sender,
          now: Date.now,
          ...(await cardActions.ticketExtras()),
          cardNotes: agentStart.cardNotes,
        },
      }
    : undefined;
  // The console's Jira panel: when Jira jobs last succeeded and failed.
  const jiraActivity = createJobActivityTracker();
  const relayDeps: RelayHandlerDeps = {
    slackChannel: config.SLACK_CHANNEL,
    locale: config.LOCALE,
    chat: slack,
    contacts,
    messages: messageMap,
    inbound: {
      locale: config.LOCALE,
      mediaMaxBytes: config.MEDIA_MAX_BYTES,
      contacts,
      messages: messageMap,
      effects,
      chat: slack,
      media: whatsapp.media,
      reactionName: emojiToSlackName,
      cardTicket: cardActions.cards.cardTicket,
      states: cardActions.states,
      resolvePrefix: cardActions.resolvePrefix,
      cardNotes: agentStart.cardNotes,
      notices,
    },
    outbound: {
      locale: config.LOCALE,
      contacts,
      messages: messageMap,
      effects,
      chat: slack,
      sender: whatsapp.sender,
      notices,
      notePrefix: config.NOTE_PREFIX,
      signReplies: config.SIGN_REPLIES,
      voice: ffmpeg ? { toOggOpus: (data, maxBytes) => toOggOpus(toIterable(data), { ffmpegPath: config.FFMPEG_PATH, maxBytes }) } : undefined,
      emojiFromName: slackNameToEmoji,
      now: Date.now,
      templateName: config.WHATSAPP_TEMPLATE_NAME,
      templateLanguage: config.WHATSAPP_TEMPLATE_LANGUAGE,
    },
    cards: cardActions.cards,
    resolvePrefix: config.RESOLVE_PREFIX,
    jira,
  };
  const started = agentStart.wire({
    notices,
    outbound: relayDeps.outbound,
    ticketKey: async (chatId) => (jira ? (await tickets.open(chatId))?.key : undefined),
    cardView: cardActions.cards,
    cards: cardActions.cards,
    afterSend: jira
      ? async (event, chatId, outcome) => {
          if (outcome === 'sent' || outcome === 'note') await queueAgentLine(event, chatId, outcome, relayDeps);
        }
      : undefined,
  });
  const relayHandlers: Record<string, JobHandler> = { ...createRelayHandlers(relayDeps), ...started.handlers };
  const handlers = jiraActivity.watch(relayHandlers, (kind) => kind.startsWith('jira.'));
  const worker = createWorker({
    outbox,
    handlers,
    logger: logger.child({ component: 'worker' }),
    metrics,
    concurrency: config.QUEUE_CONCURRENCY,
    leaseMs: config.QUEUE_LEASE_MS,
    deadlineMs: config.QUEUE_JOB_DEADLINE_MS,
    maxCrashes: config.QUEUE_MAX_CRASHES,
    classify: overrides.classifyFailure,
  });
  wake = () => worker.notify();

  const readiness: ReadinessCheck[] = [
    {
      name: 'store',
      async check() {
        if (!migrated) return { ok: false, detail: 'migrations not applied' };
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
  ];
  const server = createHttpServer({
    logger,
    metrics,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    readiness,
    metricsToken: config.METRICS_TOKEN,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
  });
  const intake = createIntake(outbox, () => worker.notify(), {
    contacts,
    messages: messageMap,
    supportChannel: () => slack.resolveChannel(config.SLACK_CHANNEL),
    self: () => slack.identity(),
  });
  whatsapp.register(server, intake, metrics);
  registerAdmin(server, {
    token: config.ADMIN_TOKEN,
    logger,
    pairing: whatsapp.connection,
    status: () => adminStatus({ config, outbox, slack, whatsapp, pacing, jiraActivity: jiraActivity.snapshot }),
    jobs: {
      listJobs: (filter) => outbox.listJobs(filter),
      retryDead: (id) => outbox.retryDead(id),
      discardDead: (id) => outbox.discardDead(id),
      find: (id) => outbox.findJob(id),
      wake: () => worker.notify(),
    },
    conversations: store.directory,
    links: createSlackLinks(slack),
    unlink: whatsapp.connection && (() => whatsapp.connection!.unlink()),
  });
  if (whatsapp.connection) {
    const connection = whatsapp.connection;
    readiness.push({ name: 'whatsapp web', check: async () => ({ ok: connection.state() === 'open', detail: connection.state() }) });
  }
  if (jira) {
    registerJiraWebhook(server, { secret: config.JIRA_WEBHOOK_SECRET, secretHeader: config.JIRA_WEBHOOK_SECRET_HEADER, tickets, queue: jiraQueue, logger });
  }
  if (config.SLACK_SIGNING_SECRET) registerSlackEvents(server, { signingSecret: config.SLACK_SIGNING_SECRET, intake, logger, interactions: started.interactions, locale: config.LOCALE });
  const socketMode = config.SLACK_APP_TOKEN
    ? (await import('./slack/socket-mode.js')).createSocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN,
        intake,
        logger,
        slackApiUrl: config.SLACK_API_URL,
        interactions: started.interactions,
        locale: config.LOCALE,
      })
    : undefined;
  if (socketMode) {
    readiness.push({ name: 'slack socket mode', check: async () => ({ ok: socketMode.isConnected(), detail: socketMode.isConnected() ? undefined : 'not connected' }) });
  }

  let pruneTimer: NodeJS.Timeout | undefined;
  let slaTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  return {
    config,
    store,
    outbox,
    worker,
    server,
    metrics,
    slack,
    jiraQueue,
    async start(port = config.PORT) {
      const address = await server.listen({ port, host: config.HOST });
      // Before the worker runs anything: a known contact's next message must find its old thread.
      await adoptUserThreads(store, { channel: () => slack.resolveChannel(config.SLACK_CHANNEL), logger }).catch((err: unknown) =>
        logger.warn({ err }, 'could not adopt WhatsAppInSlack userThreads now; the next start tries again'),
      );
      worker.start();
      await whatsapp.start?.();
      socketMode?.start().catch((err: unknown) => logger.error({ err }, 'Slack Socket Mode could not connect; check SLACK_APP_TOKEN (npm run doctor)'));
      // Learn the bot's scopes early (chat:write.customize decides how messages are shown).
      slack.identity().catch((err: unknown) => logger.error({ err }, 'Slack auth.test failed; check SLACK_BOT_TOKEN (npm run doctor)'));
      pruneTimer = setInterval(() => {
        Promise.all([outbox.pruneDone(Date.now() - DONE_RETENTION_MS), effects.prune(Date.now() - EFFECT_RETENTION_MS), tickets.prune(Date.now() - EFFECT_RETENTION_MS)])
          .then(([jobs, results, jiraLines]) => logger.debug({ jobs, results, jiraLines }, 'pruned finished jobs and old side-effect results'))
          .catch((err: unknown) => logger.warn({ err }, 'could not prune finished jobs'));
      }, PRUNE_EVERY_MS);
      pruneTimer.unref();
      if (jira) {
        // SLAs are re-read on a schedule (and on webhook changes), never once per message.
        slaTimer = setInterval(() => {
          jiraQueue.scheduleSlaRefresh().catch((err: unknown) => logger.warn({ err }, 'could not schedule SLA refreshes'));
        }, config.JIRA_SLA_REFRESH_MS);
        slaTimer.unref();
      }
      logger.info({ address, transport: config.WHATSAPP_TRANSPORT, jira: config.jiraEnabled }, 'switchboard listening');
      return address;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (pruneTimer) clearInterval(pruneTimer);
      if (slaTimer) clearInterval(slaTimer);
      await socketMode?.stop().catch((err: unknown) => logger.warn({ err }, 'closing Socket Mode failed'));
      await server.close();
      // Replies still in flight keep their socket: the connection closes after the worker.
      await worker.stop(config.SHUTDOWN_TIMEOUT_MS);
      await whatsapp.stop?.().catch((err: unknown) => logger.warn({ err }, 'closing the WhatsApp connection failed'));
      await store.close();
      logger.info('switchboard stopped');
    },
  };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

function toIterable(data: AsyncIterable<Uint8Array> | Uint8Array): AsyncIterable<Uint8Array> {
  return data instanceof Uint8Array ? once(data) : data;
}
