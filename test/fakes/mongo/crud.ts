/** insert, find, getMore, killCursors, update, delete, findAndModify, count, distinct, aggregate. */
import { ObjectId, serialize, type Document } from 'bson';
import { Aggregator, find as mingoFind } from 'mingo';
import type { FakeCollection } from './collection.js';
import type { Engine } from './engine.js';
import { badValue, CommandError, notImplemented } from './errors.js';
import { getPath } from './keys.js';
import { applyUpdate, clone, seedFromFilter } from './update.js';

export interface Call {
  engine: Engine;
  db: string;
  body: Document;
}

type Handler = (call: Call) => Document;

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const project = (docs: Document[], projection?: Document) =>
  projection && Object.keys(projection).length > 0 ? (mingoFind(docs, {}, projection).all() as Document[]) : docs;
const same = (a: Document, b: Document) => Buffer.from(serialize(a)).equals(serialize(b));

/** The write command's result: as many statements done as possible (all, or up to the first error when ordered). */
function eachStatement<T>(items: T[], ordered: boolean, run: (item: T) => void): Document[] {
  const writeErrors: Document[] = [];
  for (const [index, item] of items.entries()) {
    try {
      run(item);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      writeErrors.push(err.toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors;
}

const withErrors = (reply: Document, writeErrors: Document[]) => (writeErrors.length > 0 ? { ...reply, writeErrors } : reply);

/** Applies one update statement; what the update and findAndModify commands share. */
function updateOne(coll: FakeCollection, target: Document, u: Document | Document[], arrayFilters?: Document[]): { doc: Document; modified: boolean } {
  const next = applyUpdate(target, u, { inserting: false, arrayFilters });
  if (same(target, next)) return { doc: target, modified: false };
  coll.replace(target, next);
  return { doc: next, modified: true };
}

function upsert(coll: FakeCollection, filter: Document, u: Document | Document[], arrayFilters?: Document[]): Document {
  const doc = applyUpdate(seedFromFilter(filter), u, { inserting: true, arrayFilters });
  coll.insert(doc);
  return doc;
}

export const crudCommands: Record<string, Handler> = {
  insert({ engine, db, body }) {
    const coll = engine.collection(db, String(body.insert), true);
    let n = 0;
    const docs = (body.documents as Document[] | undefined) ?? [];
    const writeErrors = eachStatement(docs, body.ordered !== false, (doc) => {
      // _id first, as mongod stores it.
      const { _id = new ObjectId(), ...rest } = doc;
      coll.insert({ _id, ...rest });
      n += 1;
    });
    return withErrors({ n, ok: 1 }, writeErrors);
  },

  find({ engine, db, body }) {
    const coll = engine.collection(db, String(body.find));
    const ns = `${db}.${String(body.find)}`;
    if (body.collation) throw notImplemented('collations');
    let docs = coll ? coll.select(body.filter as Document | undefined, body.sort as Document | undefined) : [];
    docs = docs.slice(num(body.skip) ?? 0);
    const limit = Math.abs(num(body.limit) ?? 0);
    if (limit > 0) docs = docs.slice(0, limit);
    docs = project(docs, body.projection as Document | undefined);
    if (body.singleBatch) docs = docs.slice(0, num(body.batchSize) ?? docs.length);
    return engine.cursorReply(ns, docs, num(body.batchSize), 'firstBatch');
  },

  getMore({ engine, db, body }) {
    return engine.getMore(Number(body.getMore), `${db}.${String(body.collection)}`, num(body.batchSize));
  },

  killCursors({ engine, body }) {
    const { killed, notFound } = engine.killCursors(((body.cursors as unknown[]) ?? []).map(Number));
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  },

  update({ engine, db, body }) {
    const coll = engine.collection(db, String(body.update), true);
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const statements = (body.updates as Document[] | undefined) ?? [];
    const writeErrors = eachStatement(statements.map((s, index) => ({ s, index })), body.ordered !== false, ({ s, index }) => {
      const q = (s.q as Document | undefined) ?? {};
      const u = s.u as Document | Document[];
      const arrayFilters = s.arrayFilters as Document[] | undefined;
      if (s.multi && !Array.isArray(u) && !Object.keys(u).some((k) => k.startsWith('$'))) throw badValue('multi update is not supported for replacement-style update');
      const matched = coll.select(q, s.sort as Document | undefined);
      const targets = s.multi ? matched : matched.slice(0, 1);
      if (targets.length === 0 && s.upsert) {
        const doc = upsert(coll, q, u, arrayFilters);
        upserted.push({ index, _id: doc._id });
        n += 1;
        return;
      }
      for (const target of targets) {
        n += 1;
        if (updateOne(coll, target, u, arrayFilters).modified) nModified += 1;
      }
    });
    return withErrors({ n, nModified, ...(upserted.length > 0 ? { upserted } : {}), ok: 1 }, writeErrors);
  },

  delete({ engine, db, body }) {
    const coll = engine.collection(db, String(body.delete));
    let n = 0;
    const statements = (body.deletes as Document[] | undefined) ?? [];
    const writeErrors = eachStatement(statements, body.ordered !== false, (s) => {
      if (!coll) return;
      const matched = coll.select((s.q as Document | undefined) ?? {});
      for (const doc of Number(s.limit) === 1 ? matched.slice(0, 1) : matched) {
        coll.remove(doc);
        n += 1;
      }
    });
    return withErrors({ n, ok: 1 }, writeErrors);
  },

  /** Atomic by construction: the fake runs one command at a time, from finding the document to writing it. */
  findAndModify({ engine, db, body }) {
    const name = String(body.findAndModify ?? body.findandmodify);
    const coll = engine.collection(db, name, true);
    const query = (body.query as Document | undefined) ?? {};
    const fields = body.fields as Document | undefined;
    const u = body.update as Document | Document[] | undefined;
    if (!body.remove && u === undefined) throw new CommandError(9, 'FailedToParse', 'Either an update or remove=true must be specified');
    const target = coll.select(query, body.sort as Document | undefined)[0];
    const out = (doc: Document | undefined) => (doc ? project([clone(doc)], fields)[0] : null);
    if (body.remove) {
      if (target) coll.remove(target);
      return { lastErrorObject: { n: target ? 1 : 0 }, value: out(target), ok: 1 };
    }
    if (!target) {
      if (!body.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
      const doc = upsert(coll, query, u!, body.arrayFilters as Document[] | undefined);
      return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: body.new ? out(doc) : null, ok: 1 };
    }
    const before = clone(target);
    const { doc } = updateOne(coll, target, u!, body.arrayFilters as Document[] | undefined);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: out(body.new ? doc : before), ok: 1 };
  },

  count({ engine, db, body }) {
    const coll = engine.collection(db, String(body.count));
    let docs = coll ? coll.select(body.query as Document | undefined) : [];
    docs = docs.slice(num(body.skip) ?? 0);
    const limit = Math.abs(num(body.limit) ?? 0);
    return { n: limit > 0 ? Math.min(limit, docs.length) : docs.length, ok: 1 };
  },

  distinct({ engine, db, body }) {
    const coll = engine.collection(db, String(body.distinct));
    const key = String(body.key);
    const seen = new Map<string, unknown>();
    for (const doc of coll ? coll.select(body.query as Document | undefined) : []) {
      const value = getPath(doc, key);
      // An array's elements count one by one, as the server counts them.
      for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) seen.set(Buffer.from(serialize({ v })).toString('hex'), v);
    }
    return { values: [...seen.values()], ok: 1 };
  },

  aggregate({ engine, db, body }) {
    if (typeof body.aggregate !== 'string') throw notImplemented('database-level aggregate');
    const pipeline = (body.pipeline as Document[] | undefined) ?? [];
    const stage = pipeline.find((s) => '$out' in s || '$merge' in s || '$lookup' in s || '$unionWith' in s);
    if (stage) throw notImplemented(`the ${Object.keys(stage)[0]} stage`);
    const coll = engine.collection(db, body.aggregate);
    let docs: Document[];
    try {
      docs = new Aggregator(pipeline).run((coll?.docs ?? []).map((d) => clone(d))) as Document[];
    } catch (err) {
      throw badValue((err as Error).message);
    }
    const cursor = (body.cursor as Document | undefined) ?? {};
    return engine.cursorReply(`${db}.${body.aggregate}`, docs, num(cursor.batchSize), 'firstBatch');
  },
};
crudCommands.findandmodify = crudCommands.findAndModify!;
