import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createWorker, type Worker } from '../../src/queue/worker.js';
import { BridgeError } from '../../src/core/errors.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { closeCreated, storeFixtures } from '../support/stores.js';
import { until } from '../support/until.js';

const silent = createLogger('silent');


describe.each(storeFixtures)('worker on $name', (fixture) => {
  let created: Awaited<ReturnType<typeof fixture.create>>;
  let store: SqlStore;
  const workers: Worker[] = [];

  beforeEach(async () => {
    created = await fixture.create();
    store = await created.open();
    await store.migrate();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(1_000)));
    await closeCreated(store, created);
    store = created = undefined as never;
  });

  it('recovers a job whose worker process crashed mid-job, once its lease expires', async () => {
    const leaseMs = 800;
    const outbox = store.queue({ leaseMs, maxAttempts: 5 });
    await outbox.enqueue({ kind: 'work', lane: 'contact-1', payload: { n: 1 } });

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-worker.ts', created.url, String(leaseMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).toContain('started');
    expect(code).toBe(1);
    const orphan = await store.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(orphan).toMatchObject({ status: 'running', locked_by: 'doomed', attempts: 1 });

    const seen: number[] = [];
    const worker = createWorker({
      outbox,
      logger: silent,
      concurrency: 2,
      leaseMs,
      pollMs: 20,
      handlers: {
        async work(payload) {
          seen.push((payload as { n: number }).n);
        },
      },
    });
    workers.push(worker);
    worker.start();
    await until(async () => (await outbox.depth()).done === 1, 'the orphaned job to finish');
    expect(seen).toEqual([1]);
    const row = await store.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('retries a failing job, records metrics, and dead-letters a permanent failure with its reason', async () => {
    const outbox = store.queue({ leaseMs: 5_000, maxAttempts: 3, random: () => 0 });
    const metrics = createMetrics();
    let calls = 0;
    const worker = createWorker({
      outbox,
      logger: silent,
      metrics,
      concurrency: 2,
      leaseMs: 5_000,
      pollMs: 10,
      handlers: {
        async flaky() {
          calls += 1;
          // retryAfterMs 0: retry at once (plus ≤50 ms jitter) so the test stays quick.
          if (calls < 3) throw new BridgeError('try later', { code: 'slack_5xx', retryable: true, retryAfterMs: 0 });
        },
        async broken() {
          throw new BridgeError('no such channel', { code: 'channel_not_found', retryable: false });
        },
      },
    });
    workers.push(worker);
    await outbox.enqueue({ kind: 'flaky', lane: 'a', payload: null });
    await outbox.enqueue({ kind: 'broken', lane: 'b', payload: null });
    await outbox.enqueue({ kind: 'unknown-kind', lane: 'c', payload: null });
    worker.start();
    await until(async () => {
      const d = await outbox.depth();
      return d.done === 1 && d.dead === 2;
    }, 'all jobs to settle');
    expect(calls).toBe(3);
    const dead = await outbox.recentDead(10);
    expect(dead.map((d) => d.lastError).sort()).toEqual([
      'channel_not_found: no such channel',
      'no handler for job kind "unknown-kind"',
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('switchboard_jobs_total{kind="flaky",outcome="retried"} 2');
    expect(text).toContain('switchboard_jobs_total{kind="flaky",outcome="done"} 1');
    expect(text).toContain('switchboard_jobs_total{kind="broken",outcome="dead"} 1');
  });

  it('gives in-flight jobs back on a stop that times out', async () => {
    const outbox = store.queue({ leaseMs: 60_000, maxAttempts: 3 });
    let release: () => void = () => undefined;
    const worker = createWorker({
      outbox,
      logger: silent,
      concurrency: 1,
      leaseMs: 60_000,
      pollMs: 10,
      handlers: { slow: () => new Promise<void>((r) => (release = r)) },
    });
    await outbox.enqueue({ kind: 'slow', lane: 'a', payload: null });
    worker.start();
    await until(async () => worker.inFlight() === 1, 'the job to start');
    await worker.stop(50);
    const row = await store.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 0, locked_by: null });
    release();
  });
});
