import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readsEveryColumn } from '../../src/store/dialects.js';
import { postgresFixture, useMigratedStore } from '../support/stores.js';

describe('which statements are prepared on PostgreSQL', () => {
  it('leaves unprepared only the texts whose columns are whatever the table has', () => {
    for (const text of ['select * from "contacts" where "chat_id" = $1', 'SELECT DISTINCT * FROM t', 'insert into t (a) values ($1) returning *', 'select "t".* from "t"', 'select a, * from t']) {
      expect(readsEveryColumn(text), text).toBe(true);
    }
    for (const text of [
      'select "chat_id", "name" from "contacts" where "chat_id" = $1',
      'select count(*) as n from jobs',
      'insert into rate_buckets (key, tat) select $1, floor(extract(epoch from clock_timestamp()) * 1000)::bigint',
      'update t set n = n * 2 returning "id"',
    ]) {
      expect(readsEveryColumn(text), text).toBe(false);
    }
  });
});

describe('what a relayed message reads and writes, on PostgreSQL', () => {
  const ctx = useMigratedStore(postgresFixture);
  afterEach(() => vi.restoreAllMocks());

  it('runs as prepared statements: the server parses each text once per connection, not on every run', async () => {
    const seen: Array<{ text: string; named: boolean }> = [];
    const query = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as { text?: string; name?: string } | string;
      if (typeof config === 'object' && typeof config.text === 'string') seen.push({ text: config.text, named: Boolean(config.name) });
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query);

    const { store } = ctx;
    const chatId = '16505551234';
    await store.contacts.upsert({ chatId, transport: 'cloud', waId: chatId, name: 'Sheena', phone: chatId, isGroup: false, lastInboundAt: 1 });
    await store.contacts.get(chatId);
    await store.contacts.setCard(chatId, 'C0123456789', '1700000000.000100');
    await store.contacts.findByCard('C0123456789', '1700000000.000100');
    await store.effects.get(`post:wamid.A:0`);
    await store.effects.put(`post:wamid.A:0`, '1700000000.000200');
    await store.rateBuckets.take('slack:post:C0123456789', { perSecond: 1, burst: 3 });
    await store.messages.link({ waMessageId: 'wamid.A', chatId, direction: 'in', slackChannel: 'C0123456789', slackTs: '1700000000.000200', excerpt: 'hi' });
    await store.messages.byWaId('wamid.A');
    await store.messages.bySlackTs('C0123456789', '1700000000.000200');
    await store.conversationStates.save({ chatId, status: 'open', updatedAt: 1 });
    await store.conversationStates.get(chatId);

    const statements = seen.filter((s) => !/^\s*(begin|commit|rollback)\b/i.test(s.text));
    expect(statements.length).toBeGreaterThanOrEqual(12);
    expect(statements.filter((s) => !s.named).map((s) => s.text)).toEqual([]);
  });
});
