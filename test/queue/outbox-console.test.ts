import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeCreated, storeFixtures } from '../support/stores.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { createOutbox, type Outbox } from '../../src/store/outbox.js';

/** What the operator console asks of the outbox: list pending and dead jobs, retry or discard a dead one. */
describe.each(storeFixtures)('outbox for the operator console on $name', (fixture) => {
  let created: Awaited<ReturnType<typeof fixture.create>>;
  let store: SqlStore;
  let outbox: Outbox;
  let clock: number;

  beforeEach(async () => {
    created = await fixture.create();
    store = created.open();
    await store.migrate();
    clock = 1_000_000;
    outbox = createOutbox(store, { leaseMs: 30_000, maxAttempts: 3, clock: () => clock, random: () => 0.5 });
  });
  afterEach(async () => {
    await closeCreated(store, created);
    store = created = undefined as never;
  });

  /** Enqueues a job and lets it die with a permanent failure; returns its id. */
  const kill = async (lane: string, message: string) => {
    const { id } = await outbox.enqueue({ kind: 'slack.post', lane, payload: { secret: 'message text' } });
    const [job] = await outbox.claim('w', 1);
    expect(job?.id).toBe(id);
    expect((await outbox.fail(job!, 'w', { message, retryable: false })).outcome).toBe('dead');
    return id!;
  };

  it('lists pending jobs due first and dead jobs newest first, within the limit and without payloads', async () => {
    const first = await kill('a', 'slack_not_in_channel: not_in_channel');
    clock += 1_000;
    const second = await kill('b', 'graph_131047: window closed');
    await outbox.enqueue({ kind: 'k', lane: 'c', payload: 1, runAt: clock + 5_000 });
    await outbox.enqueue({ kind: 'k', lane: 'd', payload: 2, runAt: clock + 1_000 });

    const dead = await outbox.listJobs({ status: 'dead', limit: 10 });
    expect(dead.map((j) => j.id)).toEqual([second, first]);
    expect(dead[0]).toEqual({
      id: second,
      kind: 'slack.post',
      lane: 'b',
      status: 'dead',
      attempts: 1,
      maxAttempts: 3,
      crashes: 0,
      lastError: 'graph_131047: window closed',
      runAt: clock,
      createdAt: clock,
      finishedAt: clock,
    });
    expect(JSON.stringify(dead)).not.toContain('message text');
    expect(await outbox.listJobs({ status: 'dead', limit: 1 })).toHaveLength(1);

    const pending = await outbox.listJobs({ status: 'pending', limit: 10 });
    expect(pending.map((j) => [j.lane, j.runAt - clock])).toEqual([['d', 1_000], ['c', 5_000]]);
    expect(pending[0]).toMatchObject({ status: 'pending', attempts: 0, finishedAt: null, lastError: null });
  });

  it('runs a retried dead job again at once with fresh attempts and crash budget', async () => {
    const id = await kill('a', 'slack_not_in_channel: not_in_channel');
    await store.db.updateTable('jobs').set({ crashes: 2, attempts: 3 }).where('id', '=', id).execute();
    clock += 60_000;
    expect(await outbox.retryDead(id)).toBe(true);
    const [listed] = await outbox.listJobs({ status: 'pending', limit: 5 });
    expect(listed).toMatchObject({ id, status: 'pending', attempts: 0, crashes: 0, runAt: clock, finishedAt: null });
    const [job] = await outbox.claim('w', 1);
    expect(job).toMatchObject({ id, attempts: 1, crashes: 0, payload: { secret: 'message text' } });
    // It started before: the handler looks for what the earlier attempt did.
    expect(job?.resumed).toBe(true);
    expect(await outbox.complete(job!, 'w')).toBe(true);
    expect(await outbox.depth()).toMatchObject({ dead: 0, pending: 0, running: 0, done: 1 });
  });

  it('discards a dead job: done, its reason kept after "discarded", and pruned like other finished jobs', async () => {
    const id = await kill('a', 'graph_131026: undeliverable');
    clock += 5_000;
    expect(await outbox.discardDead(id)).toBe(true);
    expect(await outbox.listJobs({ status: 'dead', limit: 5 })).toEqual([]);
    const row = await store.db.selectFrom('jobs').select(['status', 'last_error', 'finished_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'done', last_error: 'discarded: graph_131026: undeliverable', finished_at: clock });
    expect(await outbox.claim('w', 1)).toEqual([]);
    expect(await outbox.pruneDone(clock + 1)).toBe(1);
  });

  it('refuses to retry or discard a job that is not dead, or does not exist', async () => {
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
    // A discarded job is done: neither can be repeated.
    const dead = await kill('b', 'x');
    expect(await outbox.discardDead(dead)).toBe(true);
    expect(await outbox.discardDead(dead)).toBe(false);
    expect(await outbox.retryDead(dead)).toBe(false);
    const row = await store.db.selectFrom('jobs').select(['status', 'last_error']).where('id', '=', dead).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'done', last_error: 'discarded: x' });
  });
});
