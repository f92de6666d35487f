import { MongoBulkWriteError, MongoClient, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { createFakeMongo, NOT_WRITABLE_PRIMARY, type FakeMongo } from './mongo.js';

let fake: FakeMongo;
const clients: MongoClient[] = [];

async function connect(options: Record<string, string | number> = {}): Promise<MongoClient> {
  const client = new MongoClient(fake.uri('app', { serverSelectionTimeoutMS: 2_000, ...options }));
  clients.push(client);
  await client.connect();
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close(true).catch(() => undefined)));
  await fake?.close();
});

describe('MongoDB fake, through the official driver', () => {
  it('shakes hands as a standalone server, answers ping and buildInfo, and names commands it does not know', async () => {
    fake = await createFakeMongo();
    const client = await connect();
    const db = client.db();
    await expect(db.command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    const hello = await db.command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: true, maxWireVersion: 21, logicalSessionTimeoutMinutes: 30 });
    expect(hello.setName).toBeUndefined();
    expect(await db.admin().command({ buildInfo: 1 })).toMatchObject({ version: '7.0.0', versionArray: [7, 0, 0, 0] });
    const unknown = await db.command({ mapReduce: 'jobs' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(MongoServerError);
    expect(unknown).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });

  it('refuses, by name, the options and stages it does not implement instead of ignoring them', async () => {
    fake = await createFakeMongo();
    const coll = (await connect()).db().collection('c');
    await expect(coll.createIndex({ a: 1 }, { collation: { locale: 'fr' } })).rejects.toMatchObject({ code: 238, codeName: 'NotImplemented', message: expect.stringContaining('collation') });
    await expect(coll.createIndex({ a: 'text' })).rejects.toMatchObject({ code: 238 });
    await expect(coll.aggregate([{ $lookup: { from: 'd', localField: 'a', foreignField: 'b', as: 'x' } }]).toArray()).rejects.toMatchObject({ code: 238, message: expect.stringContaining('$lookup') });
    await expect(coll.find({}, { collation: { locale: 'fr' } }).toArray()).rejects.toMatchObject({ code: 238 });
  });

  it('refuses transactions as a standalone server does', async () => {
    fake = await createFakeMongo();
    const client = await connect();
    const jobs = client.db().collection('jobs');
    const session = client.startSession();
    try {
      const err = await session.withTransaction(() => jobs.insertOne({ k: 1 }, { session })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 20, codeName: 'IllegalOperation' });
    } finally {
      await session.endSession();
    }
    expect(fake.documents('app', 'jobs')).toEqual([]);
  });

  it('inserts, finds in batches with getMore, sorts, projects, counts, lists distinct values, aggregates and deletes', async () => {
    fake = await createFakeMongo();
    const jobs = (await connect()).db().collection<{ n: number; lane: string }>('jobs');
    await jobs.insertMany(Array.from({ length: 250 }, (_, i) => ({ n: i, lane: `l${i % 3}` })));
    const found = await jobs.find({ n: { $gte: 20 } }, { projection: { _id: 0, n: 1 }, batchSize: 40 }).sort({ n: -1 }).toArray();
    expect(found).toHaveLength(230);
    expect(found[0]).toEqual({ n: 249 });
    expect(fake.commands.filter((c) => c === 'getMore').length).toBe(5);
    const cursor = jobs.find({}, { batchSize: 10 });
    await cursor.next();
    await cursor.close();
    expect(fake.commands).toContain('killCursors');
    expect(await jobs.countDocuments({ lane: 'l1' })).toBe(83);
    expect(await jobs.estimatedDocumentCount()).toBe(250);
    const groups = await jobs.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$lane', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    expect(groups).toEqual([{ _id: 'l0', n: 84 }, { _id: 'l1', n: 83 }, { _id: 'l2', n: 83 }]);
    expect((await jobs.distinct('lane', { n: { $lt: 2 } })).sort()).toEqual(['l0', 'l1']);
    expect((await jobs.deleteMany({ n: { $lt: 100 } })).deletedCount).toBe(100);
    expect((await jobs.deleteOne({ lane: 'l0' })).deletedCount).toBe(1);
    expect(await jobs.estimatedDocumentCount()).toBe(149);
  });

  it('updates with operators, upserts with $setOnInsert, and reports matched, modified and upserted', async () => {
    fake = await createFakeMongo();
    const coll = (await connect()).db().collection<{ _id: string; a?: number; b?: number; tags?: string[] }>('things');
    await coll.insertOne({ _id: 'x', a: 1 });
    expect(await coll.updateOne({ _id: 'x' }, { $inc: { a: 2 }, $push: { tags: 't' }, $setOnInsert: { b: 9 } })).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.updateOne({ _id: 'x' }, { $set: { a: 3 } })).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    expect(await coll.updateOne({ _id: 'y' }, { $set: { a: 1 }, $setOnInsert: { b: 2 } }, { upsert: true })).toMatchObject({ upsertedId: 'y', upsertedCount: 1 });
    expect(await coll.updateMany({}, [{ $set: { b: { $add: ['$a', 10] } } }])).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(fake.documents('app', 'things')).toEqual([
      { _id: 'x', a: 3, tags: ['t'], b: 13 },
      { _id: 'y', a: 1, b: 11 },
    ]);
    const immutable = await coll.updateOne({ _id: 'x' }, { $set: { _id: 'z' } }).catch((e: unknown) => e);
    expect(immutable).toMatchObject({ code: 66 }); // a write error: code and message, no codeName
  });

  it('enforces unique indexes with E11000, shaped as the server sends it, on insert, update, upsert and index build', async () => {
    fake = await createFakeMongo();
    const jobs = (await connect()).db().collection<{ dedupe?: string; n?: number }>('jobs');
    expect(await jobs.createIndex({ dedupe: 1 }, { unique: true, partialFilterExpression: { dedupe: { $type: 'string' } } })).toBe('dedupe_1');
    await jobs.insertMany([{ dedupe: 'wa:1' }, { n: 1 }, { n: 2 }]);
    const dup = await jobs.insertOne({ dedupe: 'wa:1' }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(MongoServerError);
    expect(dup).toMatchObject({
      code: 11000,
      keyPattern: { dedupe: 1 },
      keyValue: { dedupe: 'wa:1' },
      message: 'E11000 duplicate key error collection: app.jobs index: dedupe_1 dup key: { dedupe: "wa:1" }',
    });
    const many = await jobs.insertMany([{ dedupe: 'wa:2' }, { dedupe: 'wa:1' }, { dedupe: 'wa:3' }]).catch((e: unknown) => e);
    expect(many).toBeInstanceOf(MongoBulkWriteError);
    expect((many as MongoBulkWriteError).insertedCount).toBe(1); // ordered: stops at the duplicate
    await expect(jobs.updateOne({ dedupe: 'wa:2' }, { $set: { dedupe: 'wa:1' } })).rejects.toMatchObject({ code: 11000 });
    await expect(jobs.findOneAndUpdate({ dedupe: 'none' }, { $set: { dedupe: 'wa:1' } }, { upsert: true })).rejects.toMatchObject({ code: 11000, codeName: 'DuplicateKey' });
    // The documents without `n` all index as null, so a plain unique index cannot be built; a sparse one can.
    await expect(jobs.createIndex({ n: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000, keyValue: { n: null } });
    await expect(jobs.createIndex({ n: 1 }, { unique: true, sparse: true })).resolves.toBe('n_1');
    await expect(jobs.insertOne({ n: 1 })).rejects.toMatchObject({ code: 11000 });
    await expect(jobs.createIndex({ n: 1 }, { unique: true, sparse: true })).resolves.toBe('n_1'); // idempotent
    await expect(jobs.createIndex({ n: 1 }, { name: 'n_1', unique: true })).rejects.toMatchObject({ code: 86 });
    const names = (await jobs.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_', 'dedupe_1', 'n_1']);
  });

  it('lets exactly one of many concurrent findAndModify claims win each document', async () => {
    fake = await createFakeMongo();
    const [a, b] = [await connect({ maxPoolSize: 10 }), await connect({ maxPoolSize: 10 })];
    await a.db().collection('jobs').insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: i, status: 'pending' })) as never);
    const claim = (client: MongoClient, worker: string) =>
      client.db().collection<{ _id: number; status: string; by?: string }>('jobs').findOneAndUpdate({ status: 'pending' }, { $set: { status: 'running', by: worker } }, { sort: { _id: 1 }, returnDocument: 'after' });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => claim(i % 2 ? a : b, `w${i}`)));
    const won = results.filter((r) => r !== null);
    expect(won).toHaveLength(30);
    expect(new Set(won.map((r) => r!._id)).size).toBe(30);
    for (const r of won) expect(fake.documents('app', 'jobs').find((d) => d._id === r!._id)).toMatchObject({ status: 'running', by: r!.by });
  });

  it('returns the document before or after, removes, and upserts with findAndModify', async () => {
    fake = await createFakeMongo();
    const coll = (await connect()).db().collection<{ _id: string; v: number }>('c');
    await coll.insertMany([{ _id: 'a', v: 2 }, { _id: 'b', v: 1 }]);
    expect(await coll.findOneAndUpdate({}, { $inc: { v: 5 } }, { sort: { v: 1 } })).toEqual({ _id: 'b', v: 1 });
    expect(await coll.findOneAndUpdate({ _id: 'a' }, { $inc: { v: 1 } }, { returnDocument: 'after', projection: { _id: 0 } })).toEqual({ v: 3 });
    expect(await coll.findOneAndUpdate({ _id: 'c' }, { $setOnInsert: { v: 0 } }, { upsert: true, returnDocument: 'after' })).toEqual({ _id: 'c', v: 0 });
    expect(await coll.findOneAndDelete({ _id: 'a' })).toEqual({ _id: 'a', v: 3 });
    expect(await coll.findOneAndUpdate({ _id: 'zz' }, { $set: { v: 1 } })).toBeNull();
  });

  it('accepts TTL indexes and expires BSON dates when the sweep runs', async () => {
    fake = await createFakeMongo();
    const coll = (await connect()).db().collection('effects');
    await coll.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0 });
    await expect(coll.createIndex({ a: 1, b: 1 }, { expireAfterSeconds: 5 })).rejects.toMatchObject({ code: 67 });
    const t = Date.UTC(2026, 0, 1);
    await coll.insertMany([{ k: 'old', expireAt: new Date(t - 1) }, { k: 'new', expireAt: new Date(t + 60_000) }, { k: 'number', expireAt: t - 1 }]);
    expect(fake.sweepTtl(t)).toBe(1);
    expect(fake.documents('app', 'effects').map((d) => d.k)).toEqual(['new', 'number']);
  });

  it('lists and drops collections and databases', async () => {
    fake = await createFakeMongo();
    const db = (await connect()).db();
    await db.collection('a').insertOne({});
    await db.collection('b').createIndex({ x: 1 });
    expect((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort()).toEqual(['a', 'b']);
    expect(await db.listCollections({ name: 'a' }).toArray()).toHaveLength(1);
    expect(await db.collection('a').drop()).toBe(true);
    await expect(db.collection('a').drop()).rejects.toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
    expect(await db.dropDatabase()).toBe(true);
    expect(await db.listCollections().toArray()).toEqual([]);
  });

  it('fails the next commands on purpose: a network error, then NotWritablePrimary, then works again', async () => {
    fake = await createFakeMongo();
    const coll = (await connect()).db().collection('c');
    fake.failNext('insert', 'network');
    await expect(coll.insertOne({ a: 1 })).rejects.toBeInstanceOf(MongoNetworkError);
    // A read is retried once by the driver (retryReads): one failure is absorbed, two are not.
    fake.failNext('*', NOT_WRITABLE_PRIMARY, 1);
    await expect(coll.findOne({})).resolves.toBeNull();
    fake.failNext('*', NOT_WRITABLE_PRIMARY, 2);
    await expect(coll.findOne({})).rejects.toMatchObject({ code: 10107, codeName: 'NotWritablePrimary' });
    await expect(coll.insertOne({ a: 2 })).resolves.toMatchObject({ acknowledged: true });
    expect(fake.documents('app', 'c').map((d) => d.a)).toEqual([2]);
  });

  it('hangs a command until released (the driver gives up at socketTimeoutMS), and refuses connections until told to accept', async () => {
    fake = await createFakeMongo();
    const client = await connect({ socketTimeoutMS: 300, retryReads: 'false' });
    const coll = client.db().collection('c');
    const hold = fake.hang('find', { count: 1 });
    await expect(coll.findOne({})).rejects.toBeInstanceOf(MongoNetworkError);
    expect(hold.caught).toBe(1);
    hold.release();
    await expect(coll.findOne({})).resolves.toBeNull();

    await fake.refuseConnections();
    const refused = new MongoClient(fake.uri('app', { serverSelectionTimeoutMS: 300 }));
    clients.push(refused);
    await expect(refused.connect()).rejects.toBeInstanceOf(MongoServerSelectionError);
    await fake.acceptConnections();
    await until(async () => (await coll.findOne({}).then(() => true, () => false)), 'the driver to reconnect');
    expect(fake.connections()).toBeGreaterThan(0);
  });
});
