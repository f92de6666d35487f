import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { adoptUserThreads } from '../../src/migrate/adopt-user-threads.js';
import { openMongo, type MongoStore } from '../../src/store/mongo/index.js';
import { createFakeMongo, type FakeMongo } from '../fakes/mongo.js';

const CHANNEL = 'C0123456789';
const logger = createLogger('silent');
// WhatsApp ids in the old tool's shape (whatsapp-web.js `<number>@c.us`, `<id>@g.us`), numbers from the 555 fiction range.
const THREADS = [
  { userId: '16505551234@c.us', thread_ts: '1700000000.000100' },
  { userId: '120363025246125486@g.us', thread_ts: '1700000001.000200' },
  { userId: 'status@broadcast', thread_ts: '1700000002.000300' },
];

describe('adopting WhatsAppInSlack userThreads at first start (MongoDB store)', () => {
  let fake: FakeMongo;
  let client: MongoClient;
  let store: MongoStore | undefined;

  beforeEach(async () => {
    fake = await createFakeMongo();
    client = new MongoClient(fake.uri('slackwhatsapp'));
    await client.connect();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await client.close();
    await fake.close();
  });

  const start = async (db: string) => {
    store = await openMongo(fake.uri(db));
    await store.migrate();
    return adoptUserThreads(store, { channel: async () => CHANNEL, logger });
  };

  it('gives each contact its old thread, once, and never writes the old collection', async () => {
    await client.db().collection('userThreads').insertMany(THREADS.map((t) => ({ ...t })));
    const before = fake.documents('slackwhatsapp', 'userThreads');
    expect(await start('slackwhatsapp')).toMatchObject({ imported: 2, kept: 0 });
    expect(await store!.contacts.findByCard(CHANNEL, '1700000000.000100')).toMatchObject({ chatId: '16505551234', transport: 'web', isGroup: false });
    expect(await store!.contacts.findByCard(CHANNEL, '1700000001.000200')).toMatchObject({ chatId: '120363025246125486@g.us', isGroup: true });
    expect(fake.documents('slackwhatsapp', 'userThreads')).toEqual(before);
    await store!.close();
    expect(await start('slackwhatsapp')).toBeUndefined(); // remembered: not adopted twice
  });

  it('finds them in the database the old tool hard-coded when DATABASE_URL names another', async () => {
    await client.db().collection('userThreads').insertOne({ ...THREADS[0]! });
    expect(await start('switchboard')).toMatchObject({ imported: 1 });
    expect(await store!.contacts.get('16505551234')).toMatchObject({ slackChannel: CHANNEL, cardTs: '1700000000.000100' });
    expect(fake.documents('switchboard', 'userThreads')).toEqual([]);
  });

  it('adopts the first of two documents naming one thread and lists the other as rejected', async () => {
    await client.db().collection('userThreads').insertMany([
      { userId: '16505551234@c.us', thread_ts: '1700000000.000100' },
      { userId: '16505550000@c.us', thread_ts: '1700000000.000100' },
    ]);
    const report = await start('slackwhatsapp');
    expect(report).toMatchObject({ imported: 1, rejected: [{ userId: '16505550000@c.us', reason: 'thread_ts is already the card of another contact' }] });
    expect((await store!.contacts.findByCard(CHANNEL, '1700000000.000100'))?.chatId).toBe('16505551234');
    expect(await store!.legacy.adopted()).toBe(true);
  });

  it('does nothing, and asks Slack nothing, on a database without userThreads', async () => {
    store = await openMongo(fake.uri('fresh'));
    await store.migrate();
    const asked: string[] = [];
    await client.db('slackwhatsapp').dropDatabase();
    expect(await adoptUserThreads(store, { channel: async () => (asked.push('channel'), CHANNEL), logger })).toBeUndefined();
    expect(asked).toEqual([]);
  });
});
