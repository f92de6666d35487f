import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { willRetry, type Job, type JobFailure, type JobQueue } from '../core/store/queue.js';
import { classifyFailure, deadlineExceeded, type FailureClassifier } from './failures.js';

export interface JobContext {
  job: Job;
  logger: Logger;
  /** Aborts when the job's deadline passes (or the service stops): hand it to what can be cancelled. */
  signal: AbortSignal;
}

export type JobRun = (payload: unknown, ctx: JobContext) => Promise<void>;

/**
 * A job kind: how to run it and, optionally, what to do once when it is given up on (dead-lettered
 * after its last attempt, a permanent failure or its crash budget): say so where people work.
 */
export interface JobSpec {
  run: JobRun;
  giveUp?(payload: unknown, failure: JobFailure, ctx: JobContext): Promise<void>;
}

export type JobHandler = JobRun | JobSpec;

export interface WorkerOptions {
  outbox: JobQueue;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  metrics?: Metrics;
  concurrency: number;
  /**
   * Jobs claimed ahead of a free slot (0: none). Where the store is across the network the next
   * claim's round trip then overlaps the jobs that run, instead of following them. A job claimed
   * ahead is leased like a running one; one still waiting at shutdown is given back unrun, and one
   * waiting when the process dies counts a crash, as the jobs it was running do.
   *
   * This is the least claimed ahead: when jobs finish faster than a claim comes back, the worker
   * claims as many ahead as its slots get through in one claim's round trip (both measured as it
   * goes), up to PREFETCH_MAX_PER_SLOT per slot. Jobs that take longer than a claim (a Slack post
   * against a claim's few milliseconds) keep it at this.
   */
  prefetch?: number;
  leaseMs: number;
  /** Longest one attempt may run; past it the attempt is abandoned and retried later. */
  deadlineMs?: number;
  /** Leases that may expire on a job (its worker died or hung) before it is dead-lettered. */
  maxCrashes?: number;
  /** Recognises failures classifyFailure's own rules do not (a test's injected one). */
  classify?: FailureClassifier;
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

const DEFAULT_DEADLINE_MS = 5 * 60_000;
const DEFAULT_MAX_CRASHES = 3;
/** Saying that a job was given up on is bounded too: it must not hold the lane for ever. */
const GIVE_UP_TIMEOUT_MS = 60_000;
/** Most jobs claimed ahead per slot, however fast jobs finish (see WorkerOptions.prefetch). */
export const PREFETCH_MAX_PER_SLOT = 8;
/** Weight of the newest measurement in the running means of claim and job times. */
const MEAN_WEIGHT = 0.2;

interface Running {
  job: Job;
  abort: AbortController;
}

export function createWorker(opts: WorkerOptions): Worker {
  const id = opts.workerId ?? `worker-${randomUUID()}`;
  const pollMs = opts.pollMs ?? 250;
  const now = opts.clock ?? Date.now;
  const deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const maxCrashes = opts.maxCrashes ?? DEFAULT_MAX_CRASHES;
  const prefetch = Math.max(0, opts.prefetch ?? 0);
  const prefetchMax = Math.max(prefetch, PREFETCH_MAX_PER_SLOT * opts.concurrency);
  /** Running means, in ms, of a claim's round trip and of a job's run (undefined until measured). */
  const means: { claim?: number; job?: number } = {};
  const observe = (key: keyof typeof means, elapsed: number) => {
    // The wall clock may step back: a negative time is taken as none.
    const ms = Math.max(0, elapsed);
    const before = means[key];
    means[key] = before === undefined ? ms : before + MEAN_WEIGHT * (ms - before);
  };
  /** What to claim ahead now: what the slots finish during one claim, within [prefetch, prefetchMax]. */
  const ahead = (): number => {
    const { claim, job } = means;
    if (prefetch === 0 || claim === undefined || job === undefined) return prefetch;
    const duringClaim = job > 0 ? Math.ceil((opts.concurrency * claim) / job) : prefetchMax;
    return Math.min(prefetchMax, Math.max(prefetch, duringClaim));
  };
  /** Jobs whose handler runs: what `concurrency` bounds. */
  const running = new Map<number, Running>();
  /** Jobs claimed ahead (prefetch), oldest first, waiting for a slot. */
  const waiting: Job[] = [];
  /** Every job not yet settled, handler done or not (its completion may still be on its way). */
  const settling = new Set<Promise<void>>();
  /** The ids of those jobs: their leases are kept until they are settled. */
  const held = new Set<number>();
  let stopping = false;
  let started = false;
  /**
   * The last claim came back short while jobs were still being settled: their lanes count as busy
   * until their outcome is recorded, so what follows in those lanes is claimable only then. The
   * first of them to be recorded wakes the loop instead of leaving it to the next poll.
   */
  let shortWhileSettling = false;
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

  /** Runs the handler until it settles or the deadline passes, whichever is first. */
  async function attempt(run: JobRun, job: Job, ctx: JobContext, abort: AbortController): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = deadlineExceeded(deadlineMs);
        abort.abort(err);
        reject(err);
      }, deadlineMs);
    });
    const work = run(job.payload, ctx);
    // An abandoned attempt may still settle later: its outcome no longer matters, but must not go unhandled.
    work.catch(() => undefined);
    try {
      await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function giveUp(spec: JobSpec, job: Job, failure: JobFailure, ctx: JobContext): Promise<void> {
    if (!spec.giveUp) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        spec.giveUp(job.payload, failure, ctx),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), GIVE_UP_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      ctx.logger.error({ err }, 'could not say that the job was given up on');
    } finally {
      clearTimeout(timer);
    }
  }

  async function runJob(job: Job, abort: AbortController, free: () => void): Promise<void> {
    const handler = opts.handlers[job.kind];
    const spec: JobSpec = typeof handler === 'function' ? { run: handler } : (handler ?? { run: missingHandler(job.kind) });
    // The job's logger is made when something logs: most jobs never do, and a child logger costs
    // its bindings' serialisation and redaction (a twentieth of the worker's CPU on a drain).
    let jobLogger: Logger | undefined;
    const ctx: JobContext = {
      job,
      signal: abort.signal,
      get logger() {
        return (jobLogger ??= opts.logger.child({ jobId: job.id, kind: job.kind, conversationId: conversationId(job.lane), attempt: job.attempts }));
      },
    };
    const started = now();
    try {
      // Leases expire when a worker dies or hangs: a job that keeps taking its worker down stops here.
      const crashed = job.crashes >= maxCrashes || job.attempts > job.maxAttempts;
      if (crashed) {
        const failure: JobFailure = { code: 'worker_stopped', message: `the worker stopped while running this job ${job.crashes} times`, retryable: false };
        return await settleFailure(spec, job, failure, ctx);
      }
      await attempt(spec.run, job, ctx, abort);
      observe('job', now() - started);
      // The handler is done: its slot goes to the next job while the completion is recorded. The
      // job stays running in the store (its lane held, its lease live) until that completion
      // commits, so the claim overlaps the completion's round trip instead of waiting for it.
      free();
      const ok = await opts.outbox.complete(job, id);
      if (!ok) ctx.logger.warn('job finished after its lease was taken over; the other worker owns it now');
      opts.metrics?.jobs.inc({ kind: job.kind, outcome: 'done' });
      opts.metrics?.jobLatency.observe({ kind: job.kind }, (now() - job.createdAt) / 1000);
    } catch (err) {
      // Given back at shutdown and then cancelled: the queue already has it back, nothing to record.
      if (stopping && abort.signal.aborted) return ctx.logger.info('in-flight job cancelled at shutdown; it will run again');
      await settleFailure(spec, job, classifyFailure(err, opts.classify), ctx);
    } finally {
      opts.metrics?.jobDuration.observe({ kind: job.kind }, (now() - started) / 1000);
    }
  }

  async function settleFailure(spec: JobSpec, job: Job, failure: JobFailure, ctx: JobContext): Promise<void> {
    const { logger } = ctx;
    // Told once, when the job is given up on: never once per attempt.
    if (!willRetry(job, failure)) await giveUp(spec, job, failure, ctx);
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
  }

  /** Runs a claimed job in a slot of its own; when it frees the slot, the next waiting job takes it. */
  function start(job: Job): void {
    const abort = new AbortController();
    running.set(job.id, { job, abort });
    const free = () => {
      if (!running.delete(job.id)) return;
      const next = stopping ? undefined : waiting.shift();
      if (next) start(next);
      // The loop claims again once nothing waits (or a slot has nothing to take).
      if (waiting.length === 0) wake?.();
    };
    const done: Promise<void> = runJob(job, abort, free).finally(() => {
      free();
      held.delete(job.id);
      settling.delete(done);
      if (shortWhileSettling) {
        shortWhileSettling = false;
        wake?.();
      }
    });
    settling.add(done);
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      // Claimed ahead only once what was claimed ahead before has gone to slots.
      const room = opts.concurrency + ahead() - running.size - waiting.length;
      const due = room > 0 && (running.size < opts.concurrency || waiting.length === 0);
      let claimed: Job[] = [];
      if (due) {
        try {
          const asked = now();
          claimed = await opts.outbox.claim(id, room);
          observe('claim', now() - asked);
        } catch (err) {
          opts.logger.error({ err }, 'could not claim jobs; retrying');
        }
      }
      shortWhileSettling = due && claimed.length < room && settling.size > 0;
      for (const job of claimed) {
        held.add(job.id);
        // A claim that comes back once the worker is stopping starts nothing: it is given back below.
        if (!stopping && running.size < opts.concurrency && waiting.length === 0) start(job);
        else waiting.push(job);
      }
      if (stopping) break;
      // A full batch may mean more is due; otherwise wait for a wake-up or the next poll.
      const full = running.size >= opts.concurrency && (prefetch === 0 || waiting.length > 0);
      if (claimed.length === 0 || full) await sleep(pollMs);
      // Let I/O in before the next claim: on SQLite a claim and a no-op job settle without ever
      // leaving the microtask queue, so a busy loop would starve requests and the batched writes
      // (completions, intake) that wait for the next turn.
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Claimed ahead, or by a claim that came back after stop, and never started: back to the queue as they were.
    const unrun = waiting.splice(0);
    await Promise.all(
      unrun.map((job) =>
        opts.outbox
          .release(job, id, { started: false })
          .catch((err: unknown) => opts.logger.warn({ err, jobId: job.id }, 'could not give back a job claimed ahead; its lease will expire and it will run'))
          .finally(() => held.delete(job.id)),
      ),
    );
  }

  return {
    id,
    start() {
      if (started) return;
      started = true;
      loopDone = loop();
      heartbeat = setInterval(() => {
        const ids = [...held];
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
      const all = Promise.all([...settling]);
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
        const left = [...running.values()];
        opts.logger.warn({ jobs: left.length }, 'shutdown timeout: giving in-flight jobs back to the queue');
        // Given back first, then cancelled: the next run (here or elsewhere) looks for what this one did.
        await Promise.all(left.map((r) => opts.outbox.release(r.job, id).catch(() => undefined)));
        for (const r of left) r.abort.abort(new Error('the service is stopping'));
      }
    },
    inFlight: () => running.size,
  };
}

function missingHandler(kind: string): JobRun {
  return async () => {
    throw new Error(`no handler for job kind "${kind}"`);
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
