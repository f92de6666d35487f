import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { createHttpServer, type ReadinessCheck } from './http/server.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createWorker, type JobHandler, type Worker } from './queue/worker.js';
import { createOutbox, type Outbox } from './store/outbox.js';
import { openStore } from './store/open.js';
import type { SqlStore } from './store/sql-store.js';

/** Finished jobs are kept this long: their dedupe keys absorb Meta's retries (up to 7 days). */
const DONE_RETENTION_MS = 14 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

export interface App {
  config: Config;
  store: SqlStore;
  outbox: Outbox;
  worker: Worker;
  server: FastifyInstance;
  metrics: Metrics;
  /** Listens on `port` (0 picks a free one) and starts the worker; returns the bound address. */
  start(port?: number): Promise<string>;
  /** Graceful: stop taking requests, finish or give back in-flight jobs, close the store. */
  stop(): Promise<void>;
}

export async function createApp(config: Config, logger: Logger): Promise<App> {
  const metrics = createMetrics();
  const store = openStore(config.DATABASE_URL);
  let migrated = false;
  try {
    const report = await store.migrate();
    migrated = true;
    logger.info({ dialect: store.dialect, applied: report.applied }, 'store ready');
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }

  const outbox = createOutbox(store, { leaseMs: config.QUEUE_LEASE_MS, maxAttempts: config.QUEUE_MAX_ATTEMPTS });
  metrics.setQueueDepthSource(() => outbox.depth());

  const handlers: Record<string, JobHandler> = {};
  const worker = createWorker({
    outbox,
    handlers,
    logger: logger.child({ component: 'worker' }),
    metrics,
    concurrency: config.QUEUE_CONCURRENCY,
    leaseMs: config.QUEUE_LEASE_MS,
  });

  const readiness: ReadinessCheck[] = [
    {
      name: 'store',
      async check() {
        if (!migrated) return { ok: false, detail: 'migrations not applied' };
        await store.ping();
        return { ok: true };
      },
    },
  ];
  const server = createHttpServer({ logger, metrics, bodyLimit: config.HTTP_BODY_LIMIT_BYTES, readiness });

  let pruneTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  return {
    config,
    store,
    outbox,
    worker,
    server,
    metrics,
    async start(port = config.PORT) {
      const address = await server.listen({ port, host: '0.0.0.0' });
      worker.start();
      pruneTimer = setInterval(() => {
        outbox
          .pruneDone(Date.now() - DONE_RETENTION_MS)
          .then((n) => n > 0 && logger.debug({ pruned: n }, 'pruned finished jobs'))
          .catch((err: unknown) => logger.warn({ err }, 'could not prune finished jobs'));
      }, PRUNE_EVERY_MS);
      pruneTimer.unref();
      logger.info({ address, transport: config.WHATSAPP_TRANSPORT, jira: config.jiraEnabled }, 'switchboard listening');
      return address;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (pruneTimer) clearInterval(pruneTimer);
      await server.close();
      await worker.stop(config.SHUTDOWN_TIMEOUT_MS);
      await store.close();
      logger.info('switchboard stopped');
    },
  };
}
