/** Handshake, server information, sessions, collections and indexes. */
import type { Document } from 'bson';
import { Query } from 'mingo';
import type { IndexSpec } from './collection.js';
import { badValue, CommandError, notImplemented } from './errors.js';
import type { Call } from './crud.js';

export interface ServerInfo {
  version: string;
  maxWireVersion: number;
  /** Reported sessions (as any 3.6+ server, standalone included); without them the driver sends no lsid. */
  sessions: boolean;
  connectionId: number;
}

const INDEX_OPTIONS = new Set(['key', 'name', 'unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'background', 'v']);

/**
 * A standalone server, as mongod without --replSet answers: no setName, no hosts, no
 * topologyVersion (so the driver polls rather than streams its health checks).
 */
export function hello(info: ServerInfo, legacy: boolean): Document {
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    ...(info.sessions ? { logicalSessionTimeoutMinutes: 30 } : {}),
    connectionId: info.connectionId,
    minWireVersion: 0,
    maxWireVersion: info.maxWireVersion,
    readOnly: false,
    ok: 1,
  };
}

export function buildInfo(info: ServerInfo): Document {
  const parts = info.version.split('.').map(Number);
  return { version: info.version, versionArray: [...parts, 0], gitVersion: 'switchboard-fake', bits: 64, maxBsonObjectSize: 16 * 1024 * 1024, ok: 1 };
}

function indexSpec(raw: Document): IndexSpec {
  const unknown = Object.keys(raw).filter((k) => !INDEX_OPTIONS.has(k));
  if (unknown.length > 0) throw notImplemented(`the index option(s) ${unknown.join(', ')}`);
  const key = raw.key as Document | undefined;
  if (!key || typeof raw.name !== 'string') throw badValue('an index needs a key and a name');
  if (Object.values(key).some((v) => v !== 1 && v !== -1)) throw notImplemented('index types other than ascending/descending');
  if (raw.expireAfterSeconds !== undefined) {
    if (Object.keys(key).length !== 1) throw new CommandError(67, 'CannotCreateIndex', 'TTL indexes are single-field indexes, compound indexes do not support TTL');
    if (typeof raw.expireAfterSeconds !== 'number' || raw.expireAfterSeconds < 0) throw new CommandError(67, 'CannotCreateIndex', 'expireAfterSeconds must be a non-negative number');
  }
  return {
    v: 2,
    key,
    name: raw.name,
    ...(raw.unique ? { unique: true } : {}),
    ...(raw.sparse ? { sparse: true } : {}),
    ...(raw.partialFilterExpression ? { partialFilterExpression: raw.partialFilterExpression as Document } : {}),
    ...(raw.expireAfterSeconds !== undefined ? { expireAfterSeconds: raw.expireAfterSeconds } : {}),
  };
}

const nsNotFound = (ns: string) => new CommandError(26, 'NamespaceNotFound', `ns does not exist: ${ns}`);

export const adminCommands: Record<string, (call: Call) => Document> = {
  ping: () => ({ ok: 1 }),
  endSessions: () => ({ ok: 1 }),

  createIndexes({ engine, db, body }) {
    const name = String(body.createIndexes);
    const existed = engine.collection(db, name) !== undefined;
    const coll = engine.collection(db, name, true);
    const before = coll.indexes.length;
    // All or nothing: every spec is checked before any is built.
    const specs = ((body.indexes as Document[] | undefined) ?? []).map(indexSpec);
    let created = 0;
    for (const spec of specs) if (coll.createIndex(spec)) created += 1;
    return {
      numIndexesBefore: before,
      numIndexesAfter: coll.indexes.length,
      createdCollectionAutomatically: !existed,
      ...(created === 0 ? { note: 'all indexes already exist' } : {}),
      ok: 1,
    };
  },

  listIndexes({ engine, db, body }) {
    const coll = engine.collection(db, String(body.listIndexes));
    if (!coll) throw nsNotFound(`${db}.${String(body.listIndexes)}`);
    return engine.cursorReply(`${db}.$cmd.listIndexes.${String(body.listIndexes)}`, coll.indexes.map((i) => ({ ...i })), undefined, 'firstBatch');
  },

  dropIndexes({ engine, db, body }) {
    const coll = engine.collection(db, String(body.dropIndexes));
    if (!coll) throw nsNotFound(`${db}.${String(body.dropIndexes)}`);
    const before = coll.indexes.length;
    const names = body.index === '*' ? coll.indexes.slice(1).map((i) => i.name) : [body.index].flat().map(String);
    for (const n of names) coll.dropIndex(n);
    return { nIndexesWas: before, ok: 1 };
  },

  listCollections({ engine, db, body }) {
    const all = engine.collections(db).map((c) => ({
      name: c.ns.slice(db.length + 1),
      type: 'collection',
      options: {},
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    }));
    const filter = new Query((body.filter as Document | undefined) ?? {});
    const docs = all.filter((c) => filter.test(c)).map((c) => (body.nameOnly ? { name: c.name, type: c.type } : c));
    return engine.cursorReply(`${db}.$cmd.listCollections`, docs, undefined, 'firstBatch');
  },

  create({ engine, db, body }) {
    const name = String(body.create);
    if (engine.collection(db, name)) throw new CommandError(48, 'NamespaceExists', `Collection ${db}.${name} already exists.`);
    const options = Object.keys(body).filter((k) => k !== 'create');
    if (options.length > 0) throw notImplemented(`collection options (${options.join(', ')})`);
    engine.collection(db, name, true);
    return { ok: 1 };
  },

  drop({ engine, db, body }) {
    const dropped = engine.dropCollection(db, String(body.drop));
    if (!dropped) throw nsNotFound(`${db}.${String(body.drop)}`);
    return { nIndexesWas: dropped.indexes.length, ns: dropped.ns, ok: 1 };
  },

  dropDatabase({ engine, db }) {
    engine.dropDatabase(db);
    return { dropped: db, ok: 1 };
  },
};
