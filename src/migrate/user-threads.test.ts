import { describe, expect, it } from 'vitest';
import { createContactStore } from '../store/repos.js';
import { storeFixtures, useMigratedStore } from '../../test/support/stores.js';
import { importUserThreads, type UserThreadDoc } from './user-threads.js';

async function* docs(list: UserThreadDoc[]) {
  yield* list;
}

describe.each(storeFixtures)('importing WhatsAppInSlack userThreads on $name', (fixture) => {
  const ctx = useMigratedStore(fixture);

  it('gives people and groups their old threads, once, and says what it rejected', async () => {
    const contacts = createContactStore(ctx.store.db);
    const input: UserThreadDoc[] = [
      { userId: '16505551234@c.us', thread_ts: '1700000000.000100' },
      { userId: '120363025246125486@g.us', thread_ts: '1700000001.000200' },
      { userId: 'not-a-jid', thread_ts: '1700000002.000300' },
      { userId: '16505550000@c.us', thread_ts: 'yesterday' },
    ];
    const first = await importUserThreads(docs(input), { contacts, channel: 'C0123456789' });
    expect(first).toMatchObject({ imported: 2, kept: 0 });
    expect(first.rejected.map((r) => r.userId)).toEqual(['not-a-jid', '16505550000@c.us']);
    expect(await contacts.findByCard('C0123456789', '1700000000.000100')).toMatchObject({ chatId: '16505551234', phone: '16505551234', isGroup: false, transport: 'web' });
    expect(await contacts.findByCard('C0123456789', '1700000001.000200')).toMatchObject({ chatId: '120363025246125486@g.us', isGroup: true });
    const again = await importUserThreads(docs(input.slice(0, 2)), { contacts, channel: 'C0123456789' });
    expect(again).toMatchObject({ imported: 0, kept: 2 });
  });
});

describe('import progress', () => {
  const ctx = useMigratedStore(storeFixtures[0]!);

  it('reports every so many documents with the figures so far', async () => {
    const contacts = createContactStore(ctx.store.db);
    const input: UserThreadDoc[] = Array.from({ length: 7 }, (_, i) => ({ userId: i === 3 ? 'bad' : `1650555000${i}@c.us`, thread_ts: `170000000${i}.000100` }));
    const seen: string[] = [];
    const report = await importUserThreads(docs(input), {
      contacts,
      channel: 'C0123456789',
      progressEvery: 3,
      onProgress: (r, n) => seen.push(`${n}: ${r.imported}/${r.kept}/${r.rejected.length}`),
    });
    expect(seen).toEqual(['3: 3/0/0', '6: 5/0/1']);
    expect(report).toMatchObject({ imported: 6, kept: 0 });
  });
});

describe.skipIf(!process.env.MONGODB_URL)('importing from a real MongoDB (MONGODB_URL)', () => {
  it('reads the userThreads collection', async () => {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(process.env.MONGODB_URL!);
    await client.connect();
    try {
      const coll = client.db().collection<UserThreadDoc>(`userThreads_test_${Date.now()}`);
      await coll.insertMany([{ userId: '16505551234@c.us', thread_ts: '1700000000.000100' }]);
      const found = await coll.find({}).toArray();
      expect(found).toHaveLength(1);
      await coll.drop();
    } finally {
      await client.close();
    }
  });
});
if (!process.env.MONGODB_URL) {
  console.info('MongoDB tests skipped: set MONGODB_URL=mongodb://… to run them against a server (none can be installed on this machine).');
}
