import { expect, it } from 'vitest';
import { findConversation, joinConversation, resolveConversation } from '../../../src/core/conversation-identity.js';
import type { PersonIds } from '../../../src/core/model.js';
import type { Identifier, IdentityStore } from '../../../src/core/store/identities.js';
import { LEASE_MS, type ContractContext } from './context.js';
import { DEFAULT_ROUTE, routeIdentities } from '../../../src/core/routes.js';

// Business-scoped user ids as Meta's documentation shows them (Cloud API, "Business-scoped user IDs").
const PHONE = '16505551234';
const BSUID = 'US.13491208655302741918';
const PARENT = 'US.ENT.11815799212886844830';
const LID = '140913951141911@lid';

const ALL_KINDS = ['phone', 'bsuid', 'parent_bsuid', 'username', 'lid'] as const;
/** What the store knows about these values, every kind, sorted: the rows a SQL test would read. */
async function known(identities: IdentityStore, values: string[]) {
  const ids: Identifier[] = values.flatMap((value) => ALL_KINDS.map((kind) => ({ kind, value })));
  return (await identities.lookup(ids)).sort((a, b) => a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value));
}

/** Intake's unit of work: de-duplicated, atomic, and one person one conversation. */
export function intakeCases(ctx: ContractContext): void {
  /** What intake does for one message: resolve the person's conversation, then queue in its lane. */
  const record = (ids: PersonIds, wamid: string) =>
    ctx.queue().intake(async (uow) => {
      const resolved = await resolveConversation(uow.identities, ids, ctx.clock.now);
      const r = await uow.enqueue({ kind: 'wa.inbound', lane: `chat:${resolved!.chatId}`, payload: { wamid }, dedupeKey: `wa:msg:${wamid}` });
      return { ...r, chatId: resolved!.chatId };
    });

  it('keeps one person writing to two routes’ numbers as two conversations, and the implicit route as before routes', async () => {
    const onRoute = (route: string | undefined, ids: PersonIds) =>
      ctx.queue().intake(async (uow) => (await resolveConversation(routeIdentities(uow.identities, route), ids, ctx.clock.now, route))!.chatId);
    const before = await onRoute(undefined, { phone: PHONE, bsuid: BSUID });
    expect(before).toBe(PHONE);
    expect(await onRoute(DEFAULT_ROUTE, { phone: PHONE })).toBe(PHONE);
    const sales = await onRoute('sales', { phone: PHONE, bsuid: BSUID });
    expect(sales).toBe(`sales~${PHONE}`);
    // The BSUID the route saw first still finds the route's conversation, and nobody else's.
    expect(await onRoute('sales', { bsuid: BSUID })).toBe(sales);
    expect(await onRoute('field', { bsuid: BSUID })).toBe(`field~${BSUID}`);
    expect(await ctx.queue().intake((uow) => findConversation(routeIdentities(uow.identities, 'sales'), [PHONE]))).toBe(sales);
    expect(await ctx.queue().intake((uow) => findConversation(uow.identities, [PHONE]))).toBe(PHONE);
  });

  it('queues an event once however many deliveries of it arrive at once', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => record({ phone: PHONE }, 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdCNUM')));
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect(new Set(results.map((r) => r.chatId))).toEqual(new Set([PHONE]));
    expect(await ctx.queue().depth()).toMatchObject({ pending: 1 });
  });

  it('puts one person’s first messages, arriving at once with different identifiers, in one conversation', async () => {
    // Each would open a conversation under another key (number, BSUID); the BSUID they share decides.
    const results = await Promise.all([
      record({ phone: PHONE, bsuid: BSUID }, 'wamid.a'),
      record({ bsuid: BSUID, parentBsuid: PARENT }, 'wamid.b'),
      record({ bsuid: BSUID }, 'wamid.c'),
    ]);
    expect(new Set(results.map((r) => r.chatId)).size).toBe(1);
    const jobs = await ctx.queue().claim('w', 10);
    // One lane: only its head is handed out.
    expect(jobs).toHaveLength(1);
  });

  it('answers each of many units at once only when another instance can read what it queued', async () => {
    const other = await ctx.another();
    const outbox = ctx.queue();
    const seen = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        record({ phone: `1650555${String(i % 5).padStart(4, '0')}` }, `wamid.many-${i}`).then(async (r) => {
          // Another instance, which shares only the database, reads it the moment it is answered.
          const job = r.id === null ? undefined : await other.queue({ leaseMs: LEASE_MS, maxAttempts: 3 }).findJob(r.id);
          return { inserted: r.inserted, found: job?.status, lane: job?.lane, chatId: r.chatId };
        }),
      ),
    );
    expect(seen.every((s) => s.inserted && s.found === 'pending' && s.lane === `chat:${s.chatId}`)).toBe(true);
    expect(await outbox.depth()).toMatchObject({ pending: 20 });
  });

  it('a unit that fails among many at once fails alone: the others are queued', async () => {
    const outbox = ctx.queue();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        outbox.intake(async (uow) => {
          const { chatId } = (await resolveConversation(uow.identities, { phone: `1650555000${i}` }, ctx.clock.now))!;
          await uow.enqueue({ kind: 'wa.inbound', lane: `chat:${chatId}`, payload: i, dedupeKey: `wamid.batch-${i}` });
          if (i === 3) throw new Error('event not recorded');
          return i;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const jobs = await outbox.listJobs({ status: 'pending', limit: 20 });
    const others = [0, 1, 2, 4, 5, 6, 7].map((i) => `chat:1650555000${i}`);
    // A store without transactions keeps what the failed unit wrote before it failed (its retry finds it queued).
    expect(jobs.map((j) => j.lane).sort()).toEqual(ctx.options.transactionalIntake ? others : [...others, 'chat:16505550003'].sort());
    if (ctx.options.transactionalIntake) expect(await known(ctx.store.identities, ['16505550003'])).toEqual([]);
  });

  if (ctx.options.transactionalIntake) {
    it('leaves nothing behind when the unit of work fails', async () => {
      const outbox = ctx.queue();
      await expect(
        outbox.intake(async (uow) => {
          await resolveConversation(uow.identities, { phone: PHONE, bsuid: BSUID }, ctx.clock.now);
          await uow.enqueue({ kind: 'k', lane: 'l', payload: 1, dedupeKey: 'e1' });
          throw new Error('event not recorded');
        }),
      ).rejects.toThrow('event not recorded');
      expect(await outbox.claim('w', 10)).toEqual([]);
      expect(await known(ctx.store.identities, [PHONE, BSUID])).toEqual([]);
      // The key is free again: the retried delivery of the same event is accepted.
      expect((await outbox.enqueue({ kind: 'k', lane: 'l', payload: 1, dedupeKey: 'e1' })).inserted).toBe(true);
    });
  } else {
    it('converges when a unit of work that failed part-way is retried', async () => {
      const outbox = ctx.queue();
      const unit = (failAfterFirst: boolean) =>
        outbox.intake(async (uow) => {
          for (const [i, wamid] of ['wamid.1', 'wamid.2'].entries()) {
            const { chatId } = (await resolveConversation(uow.identities, { phone: PHONE, bsuid: BSUID }, ctx.clock.now))!;
            await uow.enqueue({ kind: 'k', lane: `chat:${chatId}`, payload: wamid, dedupeKey: wamid });
            if (failAfterFirst && i === 0) throw new Error('connection lost');
          }
        });
      await expect(unit(true)).rejects.toThrow('connection lost');
      await unit(false);
      expect(await outbox.depth()).toMatchObject({ pending: 2 });
      expect((await known(ctx.store.identities, [PHONE, BSUID])).map((k) => k.chatId)).toEqual([PHONE, PHONE]);
    });
  }

  it('keys a new person by their number, else their BSUID, and joins identifiers that come later', async () => {
    const ids = ctx.store.identities;
    expect(await resolveConversation(ids, { bsuid: BSUID, username: 'sheena' }, 1)).toEqual({ chatId: BSUID, merged: [] });
    // The number turns up with the BSUID: the same conversation; then the number alone finds it.
    expect(await resolveConversation(ids, { phone: PHONE, bsuid: BSUID, parentBsuid: PARENT }, 2)).toEqual({ chatId: BSUID, merged: [] });
    expect(await resolveConversation(ids, { phone: PHONE }, 3)).toEqual({ chatId: BSUID, merged: [] });
    expect(await findConversation(ids, [PARENT])).toBe(BSUID);
    expect(await findConversation(ids, ['16505550000', undefined])).toBeUndefined();
    expect(await resolveConversation(ids, { phone: '16505550199' }, 4)).toEqual({ chatId: '16505550199', merged: [] });
    expect(await known(ids, [BSUID, PARENT, '16505550199', PHONE, 'sheena'])).toEqual([
      { kind: 'bsuid', value: BSUID, chatId: BSUID },
      { kind: 'parent_bsuid', value: PARENT, chatId: BSUID },
      { kind: 'phone', value: '16505550199', chatId: '16505550199' },
      { kind: 'phone', value: PHONE, chatId: BSUID },
      { kind: 'username', value: 'sheena', chatId: BSUID },
    ]);
  });

  it('moves a username to its current holder and keeps one per person', async () => {
    const ids = ctx.store.identities;
    await joinConversation(ids, 'a', { username: 'first' }, 1);
    await joinConversation(ids, 'a', { username: 'second' }, 2);
    await joinConversation(ids, 'b', { username: 'first' }, 3);
    expect(await known(ids, ['first', 'second'])).toEqual([
      { kind: 'username', value: 'first', chatId: 'b' },
      { kind: 'username', value: 'second', chatId: 'a' },
    ]);
    // A username never finds a conversation: it can pass to someone else.
    expect(await findConversation(ids, ['first'])).toBeUndefined();
  });

  it('merges two conversations of one person into the oldest, and a repeat changes nothing', async () => {
    const ids = ctx.store.identities;
    const contact = (chatId: string) => ({ chatId, transport: 'web' as const, waId: chatId, phone: chatId === PHONE ? PHONE : '', isGroup: false });
    await resolveConversation(ids, { lid: LID }, 1);
    await ctx.store.contacts.upsert(contact(LID));
    ctx.clock.now += 100;
    await resolveConversation(ids, { phone: PHONE }, 2);
    await ctx.store.contacts.upsert(contact(PHONE));
    expect(await resolveConversation(ids, { phone: PHONE, lid: LID }, 3)).toEqual({ chatId: LID, merged: [PHONE] });
    expect(await findConversation(ids, [PHONE])).toBe(LID);
    expect(await resolveConversation(ids, { phone: PHONE, lid: LID }, 4)).toEqual({ chatId: LID, merged: [] });
    expect(await resolveConversation(ids, { phone: PHONE }, 5)).toEqual({ chatId: LID, merged: [] });
  });

  it('answers the time each conversation’s contact was first recorded', async () => {
    await ctx.store.contacts.upsert({ chatId: PHONE, transport: 'cloud', waId: PHONE, phone: PHONE, isGroup: false });
    const first = ctx.clock.now;
    ctx.clock.now += 500;
    await ctx.store.contacts.upsert({ chatId: PHONE, transport: 'cloud', waId: PHONE, phone: PHONE, isGroup: false, name: 'Sheena Nelson' });
    expect(await ctx.store.identities.firstSeen([PHONE, 'nobody'])).toEqual(new Map([[PHONE, first]]));
  });
}
