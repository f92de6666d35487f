import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { createSharedPacer, type SharedPacerOptions } from './shared-pacer.js';
import type { RateBuckets } from './core/store/rate-buckets.js';
import { virtualTime } from '../test/support/virtual-time.js';

/** Shared buckets that answer from a script (a number, an error, or a promise that never settles) and record calls. */
function scriptedBuckets(answers: Array<number | Error | 'hang'> = []) {
  const calls: Array<{ op: string; key: string; ms?: number }> = [];
  const answer = (): Promise<number> => {
    const next = answers.shift() ?? 0;
    if (next === 'hang') return new Promise(() => undefined);
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  const buckets: RateBuckets = {
    take: (key) => (calls.push({ op: 'take', key }), answer()),
    pause: async (key, ms) => void calls.push({ op: 'pause', key, ms }),
    prune: async () => (calls.push({ op: 'prune', key: '' }), 0),
  };
  return { buckets, calls, takes: () => calls.filter((c) => c.op === 'take') };
}

function logSink() {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      cb();
    },
  });
  return { logger: createLogger('debug', stream), lines };
}

function pacer(buckets: RateBuckets, extra: Partial<SharedPacerOptions> = {}) {
  const v = virtualTime();
  const logs = logSink();
  const p = createSharedPacer({ perSecond: 1, burst: 2, buckets, scope: 'slack', logger: logs.logger, now: v.now, sleep: v.sleep, ...extra });
  return { p, v, logs };
}

describe('shared pacer', () => {
  it('takes its tokens from the shared bucket, waiting as long as the database says', async () => {
    const db = scriptedBuckets([0, 250, 0]);
    const { p, v } = pacer(db.buckets);
    (await p.acquire('C1'))();
    (await p.acquire('C1'))();
    expect(db.takes().map((c) => c.key)).toEqual(['slack:C1', 'slack:C1', 'slack:C1']);
    expect(v.sleeps).toEqual([250]);
  });

  it('keeps one request per key in flight in this process, in arrival order', async () => {
    const db = scriptedBuckets();
    const { p } = pacer(db.buckets, { now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const order: string[] = [];
    const first = await p.acquire('C1');
    const second = p.acquire('C1').then((release) => (order.push('second'), release()));
    const third = p.acquire('C1').then((release) => (order.push('third'), release()));
    const other = await p.acquire('C2');
    other();
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    expect(db.takes()).toHaveLength(2);
    first();
    await Promise.all([second, third]);
    expect(order).toEqual(['second', 'third']);
  });

  it('writes a pause to the shared row and holds the key here without asking the database meanwhile', async () => {
    const db = scriptedBuckets();
    const { p, v } = pacer(db.buckets);
    p.pause('C1', 30_000);
    expect(db.calls).toEqual([{ op: 'pause', key: 'slack:C1', ms: 30_000 }]);
    const start = v.now();
    (await p.acquire('C1'))();
    expect(v.now() - start).toBe(30_000);
    expect(db.takes()).toHaveLength(1);
    expect(p.pausedUntil('C1')).toBe(start + 30_000);
  });

  it('paces on its own for a while when the database fails, with one warning, then shares again', async () => {
    const db = scriptedBuckets([new Error('Connection terminated unexpectedly'), 0]);
    const { p, v, logs } = pacer(db.buckets, { fallbackMs: 5_000 });
    const start = v.now();
    // Burst 2 at 1/s locally: two at once, the third a second later, without asking the database.
    for (let i = 0; i < 3; i++) (await p.acquire('C1'))();
    expect(v.now() - start).toBe(1_000);
    expect(db.takes()).toHaveLength(1);
    expect(logs.lines.filter((l) => l.level === 40)).toHaveLength(1);
    expect(logs.lines[0]!.msg).toContain('pacing this instance on its own');

    await v.sleep(5_000);
    (await p.acquire('C1'))();
    expect(db.takes()).toHaveLength(2);
    expect(logs.lines.at(-1)!.msg).toContain('the database answers again');
  });

  it('bounds a database call that never answers', async () => {
    const db = scriptedBuckets(['hang']);
    const { p, logs } = pacer(db.buckets, { dbTimeoutMs: 20 });
    (await p.acquire('C1'))();
    expect(logs.lines.map((l) => l.msg)).toEqual([expect.stringContaining('could not take a token')]);
    expect(JSON.stringify(logs.lines)).toContain('no answer from the database in 20 ms');
  });

  it('prunes idle rows now and then, not on every grant', async () => {
    const db = scriptedBuckets();
    const { p, v } = pacer(db.buckets, { pruneEveryMs: 60_000 });
    for (let i = 0; i < 3; i++) (await p.acquire(`C${i}`))();
    expect(db.calls.filter((c) => c.op === 'prune')).toHaveLength(0);
    await v.sleep(60_000);
    for (let i = 0; i < 3; i++) (await p.acquire(`C${i}`))();
    expect(db.calls.filter((c) => c.op === 'prune')).toHaveLength(1);
  });
});
