import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../src/core/errors.js';
import { createLogger } from '../../src/logger.js';
import { conversationId, createWorker, PREFETCH_MAX_PER_SLOT, type JobContext, type Worker } from '../../src/queue/worker.js';
import type { JobFailure, Outbox } from '../../src/store/outbox.js';
import { storeFixtures, useMigratedStore } from '../support/stores.js';
import { gate } from '../support/gate.js';
import { until } from '../support/until.js';

const silent = createLogger('silent');

describe.each(storeFixtures)('worker bounds on $name', (fixture) => {
  const ctx = useMigratedStore(fixture);
  const workers: Worker[] = [];
  // Registered after the store's hooks, so it runs before the store closes.
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(1_000)));
  });

  const start = (outbox: Outbox, handlers: Parameters<typeof createWorker>[0]['handlers'], extra: Partial<Parameters<typeof createWorker>[0]> = {}) => {
    const worker = createWorker({ outbox, logger: silent, concurrency: 4, leaseMs: 5_000, pollMs: 10, handlers, ...extra });
    workers.push(worker);
    worker.start();
    return worker;
  };
  const jobRow = (id: number) => ctx.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('dead-letters a job that keeps taking its worker down, says so once, and frees its lane', async () => {
    const leaseMs = 150;
    const outbox = ctx.store.queue({ leaseMs, maxAttempts: 10 });
    const { id } = await outbox.enqueue({ kind: 'poison', lane: 'a', payload: { n: 1 } });
    await outbox.enqueue({ kind: 'poison', lane: 'a', payload: { n: 2 } });
    // Three workers that die holding the job: each claim then silence until the lease expires.
    for (let crash = 0; crash < 3; crash++) {
      await until(async () => (await outbox.claim(`doomed-${crash}`, 1)).length === 1, 'the job to be claimable again');
    }
    await until(async () => (await jobRow(id!)).locked_until! < Date.now(), 'the last lease to expire');
    const ran: number[] = [];
    const gaveUp: Array<{ n: number; failure: JobFailure }> = [];
    // The service that comes back holds its leases properly (a short one here would expire mid-run under load).
    start(ctx.store.queue({ leaseMs: 5_000, maxAttempts: 10 }), {
      poison: {
        async run(payload) {
          ran.push((payload as { n: number }).n);
        },
        async giveUp(payload, failure) {
          gaveUp.push({ n: (payload as { n: number }).n, failure });
        },
      },
    });
    await until(async () => (await outbox.depth()).done === 1, 'the next job in the lane to run');
    expect(ran).toEqual([2]);
    expect(gaveUp).toEqual([{ n: 1, failure: expect.objectContaining({ code: 'worker_stopped', retryable: false }) }]);
    expect(gaveUp[0]!.failure.message).toBe('the worker stopped while running this job 3 times');
    expect(await jobRow(id!)).toMatchObject({ status: 'dead', crashes: 3, last_error: 'the worker stopped while running this job 3 times' });
  });

  it('gives a finished job’s slot to the next while its completion is recorded; its lane waits, and stop waits for it', async () => {
    const outbox = ctx.store.queue({ leaseMs: 5_000, maxAttempts: 3 });
    const ids: number[] = [];
    for (const [lane, n] of [['a', 1], ['a', 2], ['b', 3]] as const) ids.push((await outbox.enqueue({ kind: 'k', lane, payload: n })).id!);
    const { opened: held, open: release } = gate();
    const completing: number[] = [];
    // The completion of job 1 is slow to be recorded (a store far away, a flush).
    const slow: Outbox = {
      ...outbox,
      async complete(job, workerId) {
        completing.push(job.payload as number);
        if (job.payload === 1) await held;
        return outbox.complete(job, workerId);
      },
    };
    const ran: number[] = [];
    const worker = start(slow, { k: async (payload) => void ran.push(payload as number) }, { concurrency: 1 });
    // One slot: job 1's handler is done, so lane b's job runs while job 1 is still being marked done.
    await until(async () => ran.includes(3), 'the other lane’s job to run in the freed slot');
    // Job 2 is in job 1's lane: it waits until job 1 is recorded done.
    expect(ran).toEqual([1, 3]);
    expect((await outbox.findJob(ids[0]!))?.status).toBe('running');
    let stopped = false;
    const stopping = worker.stop(5_000).then(() => (stopped = true));
    await until(async () => completing.length >= 2, 'job 3’s completion');
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await outbox.findJob(ids[0]!))?.status).toBe('done');
    expect((await outbox.findJob(ids[1]!))?.status).toBe('pending');
  });

  it('claims the next job of a lane as soon as the job before it is recorded done, not at the next poll', async () => {
    const outbox = ctx.store.queue({ leaseMs: 5_000, maxAttempts: 3 });
    for (const n of [1, 2]) await outbox.enqueue({ kind: 'k', lane: 'a', payload: n });
    const { opened: held, open: release } = gate();
    let completing = false;
    // Job 1's completion is slow to be recorded: meanwhile its lane is busy, and a claim finds nothing.
    const slow: Outbox = {
      ...outbox,
      async complete(job, workerId) {
        if (job.payload === 1) {
          completing = true;
          await held;
        }
        return outbox.complete(job, workerId);
      },
    };
    const ran: number[] = [];
    // A poll far beyond the test's wait: only a wake-up can start job 2 in time.
    start(slow, { k: async (payload) => void ran.push(payload as number) }, { concurrency: 1, prefetch: 0, pollMs: 600_000 });
    await until(async () => completing, 'job 1 to finish and its completion to be on its way');
    expect(ran).toEqual([1]);
    release();
    await until(async () => ran.includes(2), 'job 2 to run once job 1 is recorded done');
    expect(ran).toEqual([1, 2]);
  });

  it('claims jobs ahead of its slots (prefetch): no more run at once, the next claim overlaps running jobs, and a stop gives back the unstarted as they were', async () => {
    const outbox = ctx.store.queue({ leaseMs: 5_000, maxAttempts: 3 });
    const ids = new Map<string, number>();
    for (const lane of ['a', 'b', 'c', 'd', 'e']) ids.set(lane, (await outbox.enqueue({ kind: 'k', lane, payload: lane })).id!);
    const finish = new Map<string, () => void>();
    const entered: string[] = [];
    const worker = start(
      outbox,
      { k: (payload) => new Promise<void>((resolve) => void (entered.push(payload as string), finish.set(payload as string, resolve))) },
      { concurrency: 2, prefetch: 2 },
    );
    const status = async (lane: string) => (await outbox.findJob(ids.get(lane)!))?.status;
    // Two slots and two claimed ahead: four jobs are leased, two run.
    await until(async () => entered.length === 2 && (await outbox.depth()).running === 4, 'two jobs to run and two to be claimed ahead');
    expect(entered).toEqual(['a', 'b']);
    expect(worker.inFlight()).toBe(2);
    expect(await status('e')).toBe('pending');
    // A freed slot takes the oldest job waiting, without a claim in between.
    finish.get('a')!();
    await until(async () => entered.length === 3, 'the first job claimed ahead to start');
    expect(entered).toEqual(['a', 'b', 'c']);
    // Once nothing waits, the next claim goes out while c and d still run.
    finish.get('b')!();
    await until(async () => (await status('e')) === 'running', 'e to be claimed ahead while c and d run');
    expect(entered).toEqual(['a', 'b', 'c', 'd']);
    expect(worker.inFlight()).toBe(2);
    const stopping = worker.stop(5_000);
    finish.get('c')!();
    finish.get('d')!();
    await stopping;
    expect(entered).toEqual(['a', 'b', 'c', 'd']);
    expect(await Promise.all(['a', 'b', 'c', 'd'].map(status))).toEqual(['done', 'done', 'done', 'done']);
    // e never started: back in the queue with no attempt spent, and not taken for a resumed run.
    expect(await outbox.findJob(ids.get('e')!)).toMatchObject({ status: 'pending', attempts: 0, crashes: 0 });
    const [again] = await outbox.claim('next', 1);
    expect(again).toMatchObject({ payload: 'e', attempts: 1, resumed: false });
  });

  it('starts nothing a claim brings back once it is stopping, and gives it back unrun', async () => {
    const outbox = ctx.store.queue({ leaseMs: 5_000, maxAttempts: 3 });
    const { id } = await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const { opened: answered, open: answer } = gate();
    let asking = false;
    // The claim is on its way when stop is called: it comes back with the job afterwards.
    const late: Outbox = {
      ...outbox,
      async claim(workerId, limit) {
        asking = true;
        const jobs = await outbox.claim(workerId, limit);
        await answered;
        return jobs;
      },
    };
    const ran: number[] = [];
    const worker = start(late, { k: async (payload) => void ran.push(payload as number) }, { concurrency: 1, prefetch: 0 });
    await until(async () => asking && (await outbox.findJob(id!))?.status === 'running', 'the claim to take the job');
    const stopping = worker.stop(5_000);
    answer();
    await stopping;
    expect(ran).toEqual([]);
    expect(await outbox.findJob(id!)).toMatchObject({ status: 'pending', attempts: 0, crashes: 0 });
  });

  it('claims more ahead when its jobs finish faster than a claim comes back, within a bound, and no more when they take longer', async () => {
    const outbox = ctx.store.queue({ leaseMs: 5_000, maxAttempts: 3 });
    // The worker measures claims and jobs on its clock: here a clock that moves only when told.
    const run = async (claimMs: number, jobMs: number) => {
      let t = 0;
      const asked: number[] = [];
      const timed: Outbox = {
        ...outbox,
        async claim(workerId, limit) {
          asked.push(limit);
          const jobs = await outbox.claim(workerId, limit);
          t += claimMs;
          return jobs;
        },
      };
      for (let i = 0; i < 60; i++) await outbox.enqueue({ kind: 'k', lane: `lane-${claimMs}-${i}`, payload: i });
      let ran = 0;
      const worker = start(timed, { k: async () => void ((t += jobMs), ran++) }, { concurrency: 2, prefetch: 1, clock: () => t });
      await until(async () => ran === 60, 'every job to run');
      await worker.stop(1_000);
      return asked;
    };
    // Jobs take no time, a claim 10 ms: after the first claim the worker asks for more than its
    // QUEUE_PREFETCH ahead, up to PREFETCH_MAX_PER_SLOT per slot (less what still runs), never more.
    const fast = await run(10, 0);
    expect(fast[0]).toBe(3);
    expect(Math.max(...fast)).toBeGreaterThan(2 * PREFETCH_MAX_PER_SLOT);
    expect(Math.max(...fast)).toBeLessThanOrEqual(2 + 2 * PREFETCH_MAX_PER_SLOT);
    // Jobs take 100 ms, a claim 1 ms: what the slots finish during a claim is less than one job, so
    // it keeps to QUEUE_PREFETCH.
    const slow = await run(1, 100);
    expect(Math.max(...slow)).toBe(3);
  });

  it('logs a job’s lines with the job, its kind, attempt and a pseudonym of its conversation, whether the handler or the worker writes them', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) });
    const outbox = ctx.store.queue({ leaseMs: 5_000, maxAttempts: 3 });
    const { id } = await outbox.enqueue({ kind: 'flaky', lane: 'chat:16505551234', payload: null });
    const flaky = async (_payload: unknown, job: JobContext) => {
      job.logger.info('handler line');
      throw new BridgeError('slack said no', { code: 'slack_http_503', retryable: true, retryAfterMs: 60_000 });
    };
    start(outbox, { flaky }, { logger: createLogger('info', sink) });
    await until(async () => lines.some((l) => l.msg === 'job failed; will retry'), 'the retry line');
    const bindings = { jobId: id, kind: 'flaky', attempt: 1, conversationId: conversationId('chat:16505551234') };
    expect(lines.find((l) => l.msg === 'handler line')).toMatchObject(bindings);
    expect(lines.find((l) => l.msg === 'job failed; will retry')).toMatchObject(bindings);
    expect(JSON.stringify(lines)).not.toContain('16505551234');
  });

  it('dead-letters a plain error at once (it fails the same way every time) with one give-up, and runs the lane on', async () => {
    const outbox = ctx.store.queue({ leaseMs: 5_000, maxAttempts: 10 });
    let runs = 0;
    let giveUps = 0;
    const order: string[] = [];
    start(outbox, {
      bad: {
        async run() {
          runs += 1;
          order.push('bad');
          new Date(Number.NaN).toISOString();
        },
        async giveUp() {
          giveUps += 1;
        },
      },
      good: async () => void order.push('good'),
    });
    await outbox.enqueue({ kind: 'bad', lane: 'a', payload: null });
    await outbox.enqueue({ kind: 'good', lane: 'a', payload: null });
    await until(async () => (await outbox.depth()).done === 1, 'the lane to move on');
    expect({ runs, giveUps, order }).toEqual({ runs: 1, giveUps: 1, order: ['bad', 'good'] });
    const [dead] = await outbox.recentDead(1);
    expect(dead).toMatchObject({ attempts: 1, lastError: 'Invalid time value' });
  });

  it('says a retryable failure was given up only after its last attempt', async () => {
    const outbox = ctx.store.queue({ leaseMs: 5_000, maxAttempts: 3, random: () => 0 });
    let runs = 0;
    const gaveUpAt: number[] = [];
    start(outbox, {
      flaky: {
        async run() {
          runs += 1;
          throw new BridgeError('down', { code: 'slack_http_503', retryable: true, retryAfterMs: 0 });
        },
        async giveUp() {
          gaveUpAt.push(runs);
        },
      },
    });
    await outbox.enqueue({ kind: 'flaky', lane: 'a', payload: null });
    await until(async () => (await outbox.depth()).dead === 1, 'the job to be given up');
    expect(runs).toBe(3);
    expect(gaveUpAt).toEqual([3]);
  });

  it('abandons an attempt that runs past its deadline, retries it, and keeps other lanes flowing', async () => {
    const outbox = ctx.store.queue({ leaseMs: 5_000, maxAttempts: 5, random: () => 0 });
    const signals: AbortSignal[] = [];
    let hangs = 1;
    start(
      outbox,
      {
        hang: async (_payload, ctx: JobContext) => {
          signals.push(ctx.signal);
          if (hangs-- > 0) await new Promise(() => undefined);
        },
        quick: async () => undefined,
      },
      { deadlineMs: 200 },
    );
    const { id } = await outbox.enqueue({ kind: 'hang', lane: 'a', payload: null });
    for (let i = 0; i < 5; i++) await outbox.enqueue({ kind: 'quick', lane: `b${i}`, payload: null });
    await until(async () => (await outbox.depth()).done === 6, 'every job to finish');
    expect(signals).toHaveLength(2);
    expect(signals[0]!.aborted).toBe(true);
    expect((signals[0]!.reason as BridgeError).code).toBe('deadline_exceeded');
    expect(await jobRow(id!)).toMatchObject({ status: 'done', attempts: 2, last_error: expect.stringContaining('deadline_exceeded') });
  });

  it('gives a job back at a stop that times out, cancels it, and the next run knows it started before', async () => {
    const outbox = ctx.store.queue({ leaseMs: 60_000, maxAttempts: 3 });
    let signal: AbortSignal | undefined;
    let giveUps = 0;
    const worker = start(outbox, {
      slow: {
        run: (_payload, ctx) =>
          new Promise<void>((_, reject) => {
            signal = ctx.signal;
            ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')));
          }),
        giveUp: async () => void (giveUps += 1),
      },
    });
    const { id } = await outbox.enqueue({ kind: 'slow', lane: 'a', payload: null });
    await until(async () => worker.inFlight() === 1, 'the job to start');
    await worker.stop(50);
    expect(signal?.aborted).toBe(true);
    // The cancelled attempt's error is not recorded as a failure, nor reported as a give-up.
    expect(giveUps).toBe(0);
    expect(await jobRow(id!)).toMatchObject({ status: 'pending', attempts: 0, locked_by: null, last_error: null });
    const [again] = await outbox.claim('next', 1);
    expect(again).toMatchObject({ resumed: true, attempts: 1 });
  });
});
