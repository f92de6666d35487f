import { describe, expect, it } from 'vitest';
import { createPacer } from './pacer.js';
import { virtualTime } from '../test/support/virtual-time.js';

describe('pacer', () => {
  it('lets a burst through, then one per interval', async () => {
    const v = virtualTime();
    const pacer = createPacer({ perSecond: 1, burst: 3, now: v.now, sleep: v.sleep });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const release = await pacer.acquire('C1');
      times.push(v.now());
      release();
    }
    expect(times).toEqual([0, 0, 0, 1000, 2000]);
  });

  it('keeps channels independent', async () => {
    const v = virtualTime();
    const pacer = createPacer({ perSecond: 1, burst: 1, now: v.now, sleep: v.sleep });
    (await pacer.acquire('C1'))();
    (await pacer.acquire('C2'))();
    expect(v.now()).toBe(0);
  });

  it('holds the whole channel through a pause', async () => {
    const v = virtualTime();
    const pacer = createPacer({ perSecond: 1, burst: 5, now: v.now, sleep: v.sleep });
    pacer.pause('C1', 30_000);
    (await pacer.acquire('C1'))();
    expect(v.now()).toBeGreaterThanOrEqual(30_000);
    expect(pacer.pausedUntil('C1')).toBe(30_000);
  });

  it('lists the keys held by a pause until it is over', async () => {
    const v = virtualTime();
    const pacer = createPacer({ perSecond: 1, burst: 5, now: v.now, sleep: v.sleep });
    (await pacer.acquire('C2'))();
    pacer.pause('C1', 30_000);
    expect(pacer.pauses()).toEqual([{ key: 'C1', until: 30_000 }]);
    v.advance(30_000);
    expect(pacer.pauses()).toEqual([]);
  });

  it('lets one request per channel be in flight at a time, in arrival order', async () => {
    const pacer = createPacer({ perSecond: 1000, burst: 1000 });
    const order: string[] = [];
    const first = await pacer.acquire('C1');
    const second = pacer.acquire('C1').then((release) => {
      order.push('second');
      release();
    });
    const third = pacer.acquire('C1').then((release) => {
      order.push('third');
      release();
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    first();
    await Promise.all([second, third]);
    expect(order).toEqual(['second', 'third']);
  });
});
