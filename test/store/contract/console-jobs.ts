import { expect, it } from 'vitest';
import { LEASE_MS, type ContractContext } from './context.js';

/** What the operator console asks of the queue: list pending and dead jobs, retry or discard a dead one. */
export function consoleJobCases(ctx: ContractContext): void {
  /** Enqueues a job and lets it die with a permanent failure; returns its id. */
  const kill = async (lane: string, message: string) => {
    const outbox = ctx.queue();
    const { id } = await outbox.enqueue({ kind: 'slack.post', lane, payload: { secret: 'message text' } });
    const [job] = await outbox.claim('w', 1);
    expect(job?.id).toBe(id);
    expect((await outbox.fail(job!, 'w', { message, retryable: false })).outcome).toBe('dead');
    return id!;
  };

  it('lists pending jobs due first and dead jobs newest first, within the limit and without payloads', async () => {
    const outbox = ctx.queue();
    const first = await kill('a', 'slack_not_in_channel: not_in_channel');
    ctx.clock.now += 1_000;
    const second = await kill('b', 'graph_131047: window closed');
    await outbox.enqueue({ kind: 'k', lane: 'c', payload: 1, runAt: ctx.clock.now + 5_000 });
    await outbox.enqueue({ kind: 'k', lane: 'd', payload: 2, runAt: ctx.clock.now + 1_000 });

    const dead = await outbox.listJobs({ status: 'dead', limit: 10 });
    expect(dead.map((j) => j.id)).toEqual([second, first]);
    const t = ctx.clock.now;
    expect(dead[0]).toEqual({ id: second, kind: 'slack.post', lane: 'b', status: 'dead', attempts: 1, maxAttempts: 3, crashes: 0, lastError: 'graph_131047: window closed', runAt: t, createdAt: t, finishedAt: t });
    expect(JSON.stringify(dead)).not.toContain('message text');
    expect(await outbox.listJobs({ status: 'dead', limit: 1 })).toHaveLength(1);

    const pending = await outbox.listJobs({ status: 'pending', limit: 10 });
    expect(pending.map((j) => [j.lane, j.runAt - t])).toEqual([['d', 1_000], ['c', 5_000]]);
    expect(pending[0]).toMatchObject({ status: 'pending', attempts: 0, finishedAt: null, lastError: null });
  });

  it('runs a retried dead job again at once with fresh attempts and crash budget', async () => {
    const outbox = ctx.queue();
    await outbox.enqueue({ kind: 'slack.post', lane: 'a', payload: { secret: 'message text' } });
    // Two leases expire, then the third attempt fails for good: attempts 3, crashes 2.
    for (let i = 0; i < 2; i++) {
      await outbox.claim(`w${i}`, 1);
      ctx.clock.now += LEASE_MS + 1;
    }
    const [last] = await outbox.claim('w2', 1);
    expect(last).toMatchObject({ attempts: 3, crashes: 2 });
    await outbox.fail(last!, 'w2', { message: 'slack_not_in_channel', retryable: false });
    const id = last!.id;
    ctx.clock.now += 60_000;
    expect(await outbox.retryDead(id)).toBe(true);
    expect((await outbox.listJobs({ status: 'pending', limit: 5 }))[0]).toMatchObject({ id, status: 'pending', attempts: 0, crashes: 0, runAt: ctx.clock.now, finishedAt: null });
    const [job] = await outbox.claim('w', 1);
    // It started before: the handler looks for what the earlier attempt did.
    expect(job).toMatchObject({ id, attempts: 1, crashes: 0, payload: { secret: 'message text' }, resumed: true });
    expect(await outbox.complete(job!, 'w')).toBe(true);
    expect(await outbox.depth()).toEqual({ dead: 0, pending: 0, running: 0, done: 1 });
  });

  it('runs a retried older dead job of a lane only after the running job of that lane has finished', async () => {
    const outbox = ctx.queue();
    const older = await kill('a', 'slack_not_in_channel: not_in_channel');
    await outbox.enqueue({ kind: 'slack.post', lane: 'a', payload: 2 });
    const [running] = await outbox.claim('w1', 1);
    expect(running?.id).not.toBe(older);
    expect(await outbox.retryDead(older)).toBe(true);
    // The retried job heads its lane again, but the lane already has a job running: one at a time.
    expect(await outbox.claim('w2', 5)).toEqual([]);
    expect(await outbox.complete(running!, 'w1')).toBe(true);
    const [next] = await outbox.claim('w2', 5);
    expect(next?.id).toBe(older);
  });

  it('discards a dead job: done, its reason kept after "discarded", and pruned like other finished jobs', async () => {
    const outbox = ctx.queue();
    const id = await kill('a', 'graph_131026: undeliverable');
    ctx.clock.now += 5_000;
    expect(await outbox.discardDead(id)).toBe(true);
    expect(await outbox.listJobs({ status: 'dead', limit: 5 })).toEqual([]);
    expect(await outbox.depth()).toEqual({ dead: 0, pending: 0, running: 0, done: 1 });
    expect(await outbox.claim('w', 1)).toEqual([]);
    expect(await outbox.pruneDone(ctx.clock.now)).toBe(0);
    expect(await outbox.pruneDone(ctx.clock.now + 1)).toBe(1);
  });

  it('reads one job by id, whatever its status, until it is pruned', async () => {
    const outbox = ctx.queue();
    const { id } = await outbox.enqueue({ kind: 'k', lane: 'a', payload: { secret: 'message text' } });
    expect(await outbox.findJob(id!)).toEqual({ id, kind: 'k', lane: 'a', status: 'pending', attempts: 0, maxAttempts: 3, crashes: 0, lastError: null, runAt: ctx.clock.now, createdAt: ctx.clock.now, finishedAt: null });
    const [job] = await outbox.claim('w', 1);
    expect(await outbox.findJob(id!)).toMatchObject({ status: 'running', attempts: 1 });
    await outbox.complete(job!, 'w');
    expect(await outbox.findJob(id!)).toMatchObject({ status: 'done', finishedAt: ctx.clock.now });
    expect(JSON.stringify(await outbox.findJob(id!))).not.toContain('message text');
    await outbox.pruneDone(ctx.clock.now + 1);
    expect(await outbox.findJob(id!)).toBeUndefined();
    expect(await outbox.findJob(987_654)).toBeUndefined();
  });

  it('refuses to retry or discard a job that is not dead, or does not exist', async () => {
    const outbox = ctx.queue();
    const { id: pending } = await outbox.enqueue({ kind: 'k', lane: 'a', payload: 1 });
    expect(await outbox.retryDead(pending!)).toBe(false);
    expect(await outbox.discardDead(pending!)).toBe(false);
    const [running] = await outbox.claim('w', 1);
    expect(await outbox.retryDead(running!.id)).toBe(false);
    expect(await outbox.discardDead(running!.id)).toBe(false);
    await outbox.complete(running!, 'w');
    expect(await outbox.retryDead(running!.id)).toBe(false);
    expect(await outbox.retryDead(987_654)).toBe(false);
    expect(await outbox.discardDead(987_654)).toBe(false);
    const dead = await kill('b', 'x');
    expect(await outbox.discardDead(dead)).toBe(true);
    expect(await outbox.discardDead(dead)).toBe(false);
    expect(await outbox.retryDead(dead)).toBe(false);
  });
}
