/**
 * The service under test, alone in its own process so its RSS is its own. Started by
 * bench/webhook.ts with `fork()` (`node --import tsx --expose-gc bench/serve.ts`); configured
 * through the environment the parent passes; answers requests over the IPC channel:
 *
 *   → { id, op: 'rss' | 'gc-rss' | 'peak-start' | 'peak-stop' | 'depth' | 'cpu' | 'stop' }
 *   ← { id, result } or { id, error }
 *
 * On start it sends `{ type: 'ready', port }`. If the parent goes away, it stops and exits.
 */
import { createRequire } from 'node:module';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

export type ServeOp = 'rss' | 'gc-rss' | 'peak-start' | 'peak-stop' | 'depth' | 'cpu' | 'stop';
export interface ServeRequest {
  id: number;
  op: ServeOp;
}
export interface ServeReply {
  id: number;
  result?: unknown;
  error?: string;
}
export interface ServeReady {
  type: 'ready';
  port: number;
  dialect: string;
  queueConcurrency: number;
}
export interface PeakReport {
  peakRss: number;
  samples: number;
}

const SAMPLE_EVERY_MS = 100;

function send(msg: ServeReply | ServeReady): void {
  if (process.connected) process.send?.(msg);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/serve.ts must be started by bench/webhook.ts (needs an IPC channel)');
  // BENCH_PRELOAD=a,b,…: load these first, as the service did before it loaded them only when configured
  // (bench/footprint.ts's baseline). A .json is read with require, as src/slack/emoji.ts once read its table.
  for (const spec of (process.env.BENCH_PRELOAD ?? '').split(',').filter(Boolean)) {
    if (spec.endsWith('.json')) createRequire(import.meta.url)(spec);
    else await import(spec);
  }
  const { config } = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  // BENCH_LOCAL_PACING=1: pace in memory even on PostgreSQL (bench/pacing.ts's baseline).
  const app: App = await createApp(config, logger, { localPacing: process.env.BENCH_LOCAL_PACING === '1' });

  // Baseline route: same server, same JSON body parser, no signature check, no store.
  app.server.post('/bench/noop', async () => ({ ok: true }));

  const address = await app.start(0);
  const port = Number(new URL(address.replace('0.0.0.0', '127.0.0.1')).port);

  let peak: PeakReport | undefined;
  const sampler = setInterval(() => {
    if (!peak) return;
    peak.peakRss = Math.max(peak.peakRss, process.memoryUsage.rss());
    peak.samples += 1;
  }, SAMPLE_EVERY_MS);
  sampler.unref();

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= app.stop().finally(() => clearInterval(sampler)));

  const ops: Record<ServeOp, () => Promise<unknown>> = {
    rss: async () => process.memoryUsage().rss,
    'gc-rss': async () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        await new Promise((r) => setTimeout(r, 50));
        gc();
      }
      return { rss: process.memoryUsage().rss, gcRan: Boolean(gc) };
    },
    'peak-start': async () => {
      peak = { peakRss: process.memoryUsage.rss(), samples: 0 };
      return null;
    },
    'peak-stop': async () => {
      const p = peak ?? { peakRss: 0, samples: 0 };
      p.peakRss = Math.max(p.peakRss, process.memoryUsage.rss());
      peak = undefined;
      return p;
    },
    depth: () => app.outbox.depth(),
    /** User + system CPU time of the whole process (all threads), in microseconds. */
    cpu: async () => process.cpuUsage(),
    stop: async () => {
      await stop();
      return null;
    },
  };

  process.on('message', (raw: unknown) => {
    const req = raw as ServeRequest;
    const op = ops[req.op];
    if (!op) return send({ id: req.id, error: `unknown op ${String(req.op)}` });
    op()
      .then((result) => {
        send({ id: req.id, result });
        if (req.op === 'stop') setTimeout(() => process.exit(0), 20);
      })
      .catch((err: unknown) => send({ id: req.id, error: String(err) }));
  });
  process.on('disconnect', () => {
    void stop().finally(() => process.exit(0));
    setTimeout(() => process.exit(1), 10_000).unref();
  });

  send({ type: 'ready', port, dialect: app.store.kind, queueConcurrency: config.QUEUE_CONCURRENCY });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/serve.ts: ${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
