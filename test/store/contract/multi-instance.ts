import { expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { createWorker } from '../../../src/queue/worker.js';
import { until } from '../../support/until.js';
import type { ContractContext } from './context.js';

/** Several instances on one database: the queue is shared, and nothing runs twice or out of order. */
export function multiInstanceCases(ctx: ContractContext): void {
  it('two workers on two instances run every job once, none at once within a lane, each lane in order', async () => {
    const LANES = 20;
    const PER_LANE = 15;
    const stores = [ctx.store, await ctx.another()];
    // Real time here: the workers' leases must not expire under them.
    const queues = stores.map((s) => s.queue({ leaseMs: 30_000, maxAttempts: 3 }));
    for (let seq = 0; seq < PER_LANE; seq++) {
      for (let lane = 0; lane < LANES; lane++) {
        await queues[0]!.enqueue({ kind: 'step', lane: `lane-${lane}`, payload: { lane: `lane-${lane}`, seq }, dedupeKey: `e-${lane}-${seq}` });
      }
    }
    const runs: Array<{ lane: string; seq: number; worker: string }> = [];
    const active = new Set<string>();
    let overlaps = 0;
    const workers = queues.map((outbox, i) =>
      createWorker({
        outbox,
        logger: createLogger('silent'),
        concurrency: 6,
        leaseMs: 30_000,
        pollMs: 5,
        workerId: `w${i}`,
        handlers: {
          async step(payload) {
            const { lane, seq } = payload as { lane: string; seq: number };
            if (active.has(lane)) overlaps += 1;
            active.add(lane);
            await new Promise((r) => setTimeout(r, Math.random() * 3));
            runs.push({ lane, seq, worker: `w${i}` });
            active.delete(lane);
          },
        },
      }),
    );
    workers.forEach((w) => w.start());
    try {
      await until(async () => (await queues[0]!.depth()).done === LANES * PER_LANE, 'every job done', 120_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop(1_000)));
    }
    expect(runs).toHaveLength(LANES * PER_LANE);
    expect(new Set(runs.map((r) => `${r.lane}/${r.seq}`)).size).toBe(LANES * PER_LANE);
    expect(overlaps).toBe(0);
    const byLane = new Map<string, number[]>();
    for (const r of runs) byLane.set(r.lane, [...(byLane.get(r.lane) ?? []), r.seq]);
    for (const seqs of byLane.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Both instances did real work: the queue was shared, not drained by one.
    expect(new Set(runs.map((r) => r.worker))).toEqual(new Set(['w0', 'w1']));
    // The wait above may take its whole 120 s on a loaded machine: the test's own limit is above it.
  }, 150_000);

  it('never hands one job to two instances claiming at once', async () => {
    const other = await ctx.another();
    const queues = [ctx.queue(), other.queue({ leaseMs: 30_000, maxAttempts: 3, clock: () => ctx.clock.now })];
    for (let lane = 0; lane < 30; lane++) await queues[0]!.enqueue({ kind: 'k', lane: `l${lane}`, payload: lane });
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => queues[i % 2]!.claim(`w${i}`, 5)));
    // A claim that lost every head it saw to the others may come back short: the rest are still there.
    const ids = claims.flat().map((j) => j.id);
    for (let more = await queues[0]!.claim('w-last', 30); more.length > 0; more = await queues[0]!.claim('w-last', 30)) ids.push(...more.map((j) => j.id));
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('takes over a job whose instance stopped holding its lease, and fences that instance out', async () => {
    const other = await ctx.another();
    const mine = ctx.queue();
    const theirs = other.queue({ leaseMs: 30_000, maxAttempts: 3, clock: () => ctx.clock.now });
    await mine.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    const [job] = await mine.claim('w-dead', 1);
    ctx.clock.now += 30_001;
    const [taken] = await theirs.claim('w-alive', 1);
    expect(taken).toMatchObject({ id: job!.id, crashes: 1 });
    expect(await mine.complete(job!, 'w-dead')).toBe(false);
    expect(await theirs.complete(taken!, 'w-alive')).toBe(true);
  });
}
