/** The fake server's state: databases of collections, open cursors, and the TTL sweep. */
import { Long, type Document } from 'bson';
import { createCollection, type FakeCollection } from './collection.js';
import { CommandError } from './errors.js';
import { getPath } from './keys.js';

interface OpenCursor {
  id: number;
  ns: string;
  left: Document[];
}

export interface Engine {
  collection(db: string, name: string, create: true): FakeCollection;
  collection(db: string, name: string, create?: false): FakeCollection | undefined;
  collections(db: string): FakeCollection[];
  dropCollection(db: string, name: string): FakeCollection | undefined;
  dropDatabase(db: string): void;
  /** A cursor reply: the first `batchSize` documents now, the rest kept under a cursor id for getMore. */
  cursorReply(ns: string, docs: Document[], batchSize: number | undefined, field: 'firstBatch' | 'nextBatch', keep?: OpenCursor): Document;
  getMore(id: number, ns: string, batchSize: number | undefined): Document;
  killCursors(ids: number[]): { killed: Long[]; notFound: Long[] };
  /** Deletes what TTL indexes say has expired at `now`; returns how many documents went. */
  sweepTtl(now: number): number;
}

/** The server's default first batch for find and aggregate. */
const DEFAULT_FIRST_BATCH = 101;

export function createEngine(): Engine {
  const databases = new Map<string, Map<string, FakeCollection>>();
  const cursors = new Map<number, OpenCursor>();
  let nextCursorId = 1;

  const db = (name: string) => {
    let found = databases.get(name);
    if (!found) databases.set(name, (found = new Map()));
    return found;
  };

  function collection(dbName: string, name: string, create?: boolean): FakeCollection | undefined {
    const found = db(dbName).get(name);
    if (found || !create) return found;
    if (name === '' || name.includes('$')) throw new CommandError(73, 'InvalidNamespace', `Invalid collection name: ${name}`);
    const made = createCollection(`${dbName}.${name}`);
    db(dbName).set(name, made);
    return made;
  }

  const engine: Engine = {
    collection: collection as Engine['collection'],
    collections: (dbName) => [...db(dbName).values()],
    dropCollection(dbName, name) {
      const found = db(dbName).get(name);
      db(dbName).delete(name);
      return found;
    },
    dropDatabase(dbName) {
      databases.delete(dbName);
    },
    cursorReply(ns, docs, batchSize, field, keep) {
      const size = batchSize ?? (field === 'firstBatch' ? DEFAULT_FIRST_BATCH : docs.length);
      const batch = docs.slice(0, size);
      const left = docs.slice(batch.length);
      let id = 0;
      if (left.length > 0) {
        id = keep?.id ?? nextCursorId++;
        cursors.set(id, { id, ns, left });
      } else if (keep) {
        cursors.delete(keep.id);
      }
      return { cursor: { [field]: batch, id: Long.fromNumber(id), ns }, ok: 1 };
    },
    getMore(id, ns, batchSize) {
      const cursor = cursors.get(id);
      if (!cursor || cursor.ns !== ns) throw new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`);
      return engine.cursorReply(ns, cursor.left, batchSize, 'nextBatch', cursor);
    },
    killCursors(ids) {
      const killed: Long[] = [];
      const notFound: Long[] = [];
      for (const id of ids) (cursors.delete(id) ? killed : notFound).push(Long.fromNumber(id));
      return { killed, notFound };
    },
    sweepTtl(now) {
      let removed = 0;
      for (const dbMap of databases.values()) {
        for (const coll of dbMap.values()) {
          for (const index of coll.indexes) {
            if (index.expireAfterSeconds === undefined) continue;
            const field = Object.keys(index.key)[0]!;
            // As mongod's TTL monitor: only BSON dates (or arrays of them, by the earliest) expire.
            for (const doc of [...coll.docs]) {
              const value = getPath(doc, field);
              const dates = (Array.isArray(value) ? value : [value]).filter((v): v is Date => v instanceof Date);
              if (dates.length === 0) continue;
              const earliest = Math.min(...dates.map((d) => d.getTime()));
              if (earliest + index.expireAfterSeconds * 1000 <= now) {
                coll.remove(doc);
                removed += 1;
              }
            }
          }
        }
      }
      return removed;
    },
  };
  return engine;
}
