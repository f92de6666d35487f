import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqlDirectory } from '../../src/http/admin/sql-directory.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { closeCreated, storeFixtures } from '../support/stores.js';

// Numbers: Meta's documented examples (16505551234, 15550783881, the BSUID US.13491208655302741918 from Meta's BSUID page)
// and the Berlin number src/core/format/phone.ts documents (493012345678).
describe.each(storeFixtures)('console directory on $name', (fixture) => {
  let created: Awaited<ReturnType<typeof fixture.create>>;
  let store: SqlStore;
  let directory: ReturnType<typeof createSqlDirectory>;

  const contact = (chatId: string, fields: { name?: string; phone?: string; username?: string; lastInbound?: number; updated: number; card?: string }) =>
    store.db
      .insertInto('contacts')
      .values({
        chat_id: chatId,
        transport: 'cloud',
        wa_id: fields.phone ?? chatId,
        name: fields.name ?? null,
        phone: fields.phone ?? '',
        business_number: null,
        photo_url: null,
        is_group: 0,
        slack_channel: fields.card ? 'C0123456789' : null,
        card_ts: fields.card ?? null,
        last_inbound_at: fields.lastInbound ?? null,
        created_at: 1,
        updated_at: fields.updated,
        username: fields.username ?? null,
        user_id: null,
      })
      .execute();

  beforeEach(async () => {
    created = await fixture.create();
    store = created.open();
    await store.migrate();
    directory = createSqlDirectory(store.db);
    await contact('16505551234', { name: 'Sheena Nelson', phone: '16505551234', updated: 1_000, lastInbound: 5_000, card: '1700000000.000100' });
    await contact('15550783881', { name: 'Ward 3 desk', phone: '15550783881', updated: 4_000 });
    await contact('US.13491208655302741918', { username: 'nurse_100%', updated: 3_000 });
    await contact('493012345678', { name: 'Berlin Büro', phone: '493012345678', updated: 2_000 });
    await store.db.insertInto('contact_identifiers').values({ kind: 'username', value: 'old.handle', chat_id: '15550783881', created_at: 1 }).execute();
    for (const [key, created_at, done] of [['SUP-1', 10, 1], ['SUP-9', 20, 0]] as const) {
      await store.db
        .insertInto('tickets')
        .values({ key, chat_id: '16505551234', issue_id: key, status: 'Open', done, url: `https://acme.atlassian.net/browse/${key}`, sla: null, sla_warned: null, sla_checked_at: null, created_at, closed_at: null })
        .execute();
    }
  });
  afterEach(async () => {
    await closeCreated(store, created);
    store = created = undefined as never;
  });

  const ids = async (text: string | undefined, limit = 10, offset = 0) => (await directory.search({ text, limit, offset })).map((c) => c.chatId);

  it('lists every conversation by its last activity, newest first, a page at a time', async () => {
    expect(await ids(undefined)).toEqual(['16505551234', '15550783881', 'US.13491208655302741918', '493012345678']);
    expect(await ids('', 2, 0)).toEqual(['16505551234', '15550783881']);
    expect(await ids('', 2, 2)).toEqual(['US.13491208655302741918', '493012345678']);
    const [first] = await directory.search({ limit: 1, offset: 0 });
    expect(first).toEqual({
      chatId: '16505551234',
      name: 'Sheena Nelson',
      phone: '16505551234',
      username: undefined,
      isGroup: false,
      transport: 'cloud',
      slackChannel: 'C0123456789',
      cardTs: '1700000000.000100',
      // The newest request of the conversation.
      ticket: { key: 'SUP-9', url: 'https://acme.atlassian.net/browse/SUP-9', done: false },
      lastActivityAt: 5_000,
    });
  });

  it('finds by any part of the name, case-insensitively', async () => {
    expect(await ids('sheena')).toEqual(['16505551234']);
    expect(await ids('WARD 3')).toEqual(['15550783881']);
    expect(await ids('büro')).toEqual(['493012345678']);
  });

  it('finds by number however it is typed', async () => {
    expect(await ids('+1 (650) 555-1234')).toEqual(['16505551234']);
    expect(await ids('30 1234')).toEqual(['493012345678']);
    expect(await ids('0783881')).toEqual(['15550783881']);
  });

  it('finds by username, with or without @, and by an earlier identifier', async () => {
    expect(await ids('@nurse_')).toEqual(['US.13491208655302741918']);
    expect(await ids('old.handle')).toEqual(['15550783881']);
  });

  it('takes LIKE wildcards in what was typed literally', async () => {
    expect(await ids('100%')).toEqual(['US.13491208655302741918']);
    expect(await ids('%')).toEqual(['US.13491208655302741918']);
    expect(await ids('_')).toEqual(['US.13491208655302741918']);
    expect(await ids('nobody here')).toEqual([]);
  });

  it('finds one job with its status, or nothing', async () => {
    const r = await store.db
      .insertInto('jobs')
      .values({ kind: 'k', lane: 'chat:16505551234', payload: '{}', dedupe_key: null, status: 'dead', max_attempts: 3, run_at: 1, locked_until: null, locked_by: null, last_error: 'x: y', created_at: 1, finished_at: 2, first_run_at: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await directory.findJob(Number(r.id))).toMatchObject({ id: Number(r.id), status: 'dead', lastError: 'x: y', finishedAt: 2, maxAttempts: 3 });
    expect(await directory.findJob(Number(r.id) + 1)).toBeUndefined();
  });
});
