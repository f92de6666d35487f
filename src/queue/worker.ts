import { createHash, randomUUID } from 'node:crypto';
import { errorMessage, isBridgeError } from '../core/errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Job, Outbox } from '../store/outbox.js';

export interface JobContext {
  job: Job;
  logger: Logger;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

export interface WorkerOptions {
  outbox: Outbox;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  metrics?: Metrics;
  concurrency: number;
  leaseMs: number;
  /** How often to look for due jobs when nothing has woken the worker up. */
  pollMs?: number;
  workerId?: string;
  clock?: () => number;
}

export interface Worker {
  readonly id: string;
  start(): void;
  /** Wakes the loop now (after an enqueue in this process) instead of at the next poll. */
  notify(): void;
  /** Stops claiming; waits up to `timeoutMs` for in-flight jobs, then gives the rest back. */
  stop(timeoutMs: number): Promise<void>;
  inFlight(): number;
}

export function createWorker(opts: WorkerOptions): Worker {
  const id = opts.workerId ?? `worker-${randomUUID()}`;
  const pollMs = opts.pollMs ?? 250;
  const now = opts.clock ?? Date.now;
  const running = new Map<number, { job: Job; done: Promise<void> }>();
  let stopping = false;
  let started = false;
  let wake: (() => void) | undefined;
  let loopDone: Promise<void> = Promise.resolve();
  let heartbeat: NodeJS.Timeout | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  async function runJob(job: Job): Promise<void> {
    const logger = opts.logger.child({ jobId: job.id, kind: job.kind, conversationId: conversationId(job.lane), attempt: job.attempts });
    const handler = opts.handlers[job.kind];
    const started = now();
    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      await handler(job.payload, { job, logger });
      const ok = await opts.outbox.complete(job, id);
      if (!ok) logger.warn('job finished after its lease was taken over; the other worker owns it now');
      opts.metrics?.jobs.inc({ kind: job.kind, outcome: 'done' });
      opts.metrics?.jobLatency.observe({ kind: job.kind }, (now() - job.createdAt) / 1000);
    } catch (err) {
      const known = isBridgeError(err);
      const failure = {
        message: known ? `${err.code}: ${err.message}` : errorMessage(err),
        retryable: handler ? (known ? err.retryable : true) : false,
        retryAfterMs: known ? err.retryAfterMs : undefined,
        rateLimited: known && err.code === 'rate_limited',
      };
      const result = await opts.outbox.fail(job, id, failure).catch((e: unknown) => {
        logger.error({ err: e }, 'could not record a job failure; its lease will expire and it will run again');
        return { outcome: 'lost' as const };
      });
      if (result.outcome === 'dead') {
        logger.error({ reason: failure.message }, 'job dead-lettered');
        opts.metrics?.jobs.inc({ kind: job.kind, outcome: 'dead' });
      } else if (result.outcome === 'retry') {
        logger.warn({ reason: failure.message, retryInMs: result.runAt - now() }, 'job failed; will retry');
        opts.metrics?.jobs.inc({ kind: job.kind, outcome: 'retried' });
      }
    } finally {
      opts.metrics?.jobDuration.observe({ kind: job.kind }, (now() - started) / 1000);
    }
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      const free = opts.concurrency - running.size;
      let claimed: Job[] = [];
      if (free > 0) {
        try {
          claimed = await opts.outbox.claim(id, free);
        } catch (err) {
          opts.logger.error({ err }, 'could not claim jobs; retrying');
        }
      }
      for (const job of claimed) {
        const done = runJob(job).finally(() => {
          running.delete(job.id);
          wake?.();
        });
        running.set(job.id, { job, done });
      }
      if (stopping) break;
      // A full batch may mean more is due; otherwise wait for a wake-up or the next poll.
      if (claimed.length === 0 || running.size >= opts.concurrency) await sleep(pollMs);
    }
  }

  return {
    id,
    start() {
      if (started) return;
      started = true;
      loopDone = loop();
      heartbeat = setInterval(() => {
        const ids = [...running.keys()];
        opts.outbox.extendLeases(ids, id).catch((err: unknown) => opts.logger.warn({ err }, 'could not extend job leases'));
      }, Math.max(100, Math.floor(opts.leaseMs / 3)));
      heartbeat.unref();
    },
    notify() {
      wake?.();
    },
    async stop(timeoutMs) {
      stopping = true;
      wake?.();
      await loopDone;
      const all = Promise.all([...running.values()].map((r) => r.done));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        all.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (heartbeat) clearInterval(heartbeat);
      if (timedOut) {
        const left = [...running.values()].map((r) => r.job);
        opts.logger.warn({ jobs: left.length }, 'shutdown timeout: giving in-flight jobs back to the queue');
        await Promise.all(left.map((job) => opts.outbox.release(job, id).catch(() => undefined)));
      }
    },
    inFlight: () => running.size,
  };
}

/**
 * Lanes are keyed by phone number (`chat:<wa_id>`); logs get a stable pseudonym instead, so the
 * lines of one conversation can be followed without the number reaching them.
 */
export function conversationId(lane: string): string {
  const [kind] = lane.split(':');
  return `${kind}:${createHash('sha256').update(lane).digest('hex').slice(0, 12)}`;
}
