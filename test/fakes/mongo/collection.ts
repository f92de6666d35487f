/** One collection of the fake: documents in natural (insertion) order and the indexes that constrain them. */
import type { Document } from 'bson';
import { find, Query } from 'mingo';
import { badValue, CommandError } from './errors.js';
import { getPath, indexKey, printKey } from './keys.js';

export interface IndexSpec {
  v: 2;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
}

export interface FakeCollection {
  readonly ns: string;
  readonly docs: Document[];
  readonly indexes: IndexSpec[];
  /** The documents `filter` matches, in `sort` order (natural order without one). */
  select(filter: Document | undefined, sort?: Document): Document[];
  insert(doc: Document): void;
  /** Puts `next` where `current` is, if no unique index objects. */
  replace(current: Document, next: Document): void;
  remove(doc: Document): void;
  /** `created`: false when an identical index was already there. */
  createIndex(spec: IndexSpec): boolean;
  dropIndex(name: string): void;
}

export function compileFilter(filter: Document | undefined): Query {
  try {
    return new Query(filter ?? {});
  } catch (err) {
    throw badValue((err as Error).message);
  }
}

const applies = (index: IndexSpec, doc: Document) => {
  if (index.sparse && Object.keys(index.key).every((f) => getPath(doc, f) === undefined)) return false;
  return !index.partialFilterExpression || compileFilter(index.partialFilterExpression).test(doc);
};

const sameSpec = (a: IndexSpec, b: IndexSpec) =>
  JSON.stringify([a.key, !!a.unique, !!a.sparse, a.partialFilterExpression ?? null, a.expireAfterSeconds ?? null]) ===
  JSON.stringify([b.key, !!b.unique, !!b.sparse, b.partialFilterExpression ?? null, b.expireAfterSeconds ?? null]);

export function createCollection(ns: string): FakeCollection {
  const docs: Document[] = [];
  const indexes: IndexSpec[] = [{ v: 2, key: { _id: 1 }, name: '_id_' }];
  const unique = (index: IndexSpec) => index.unique || index.name === '_id_';

  /** E11000, worded and shaped as the server does it. */
  function checkUnique(candidate: Document, except: Document | undefined, only?: IndexSpec): void {
    for (const index of only ? [only] : indexes) {
      if (!unique(index) || !applies(index, candidate)) continue;
      const key = indexKey(candidate, index.key);
      const clash = docs.some((d) => d !== except && d !== candidate && applies(index, d) && indexKey(d, index.key).text === key.text);
      if (clash) {
        throw new CommandError(11000, 'DuplicateKey', `E11000 duplicate key error collection: ${ns} index: ${index.name} dup key: ${printKey(key.value)}`, {
          keyPattern: index.key,
          keyValue: key.value,
        });
      }
    }
  }

  return {
    ns,
    docs,
    indexes,
    select(filter, sort) {
      const query = compileFilter(filter);
      const matched = docs.filter((d) => query.test(d));
      if (!sort || Object.keys(sort).length === 0) return matched;
      return find(matched, {}).sort(sort as Record<string, 1 | -1>).all() as Document[];
    },
    insert(doc) {
      checkUnique(doc, undefined);
      docs.push(doc);
    },
    replace(current, next) {
      checkUnique(next, current);
      const at = docs.indexOf(current);
      if (at < 0) throw new Error('replace: the document is no longer in the collection');
      docs[at] = next;
    },
    remove(doc) {
      const at = docs.indexOf(doc);
      if (at >= 0) docs.splice(at, 1);
    },
    createIndex(spec) {
      const same = indexes.find((i) => i.name === spec.name);
      if (same) {
        if (sameSpec(same, spec)) return false;
        throw new CommandError(86, 'IndexKeySpecsConflict', `An existing index has the same name as the requested index but different options: ${spec.name}`);
      }
      const twin = indexes.find((i) => JSON.stringify(i.key) === JSON.stringify(spec.key) && !i.partialFilterExpression && !spec.partialFilterExpression);
      if (twin) {
        if (sameSpec(twin, spec)) return false;
        throw new CommandError(85, 'IndexOptionsConflict', `Index already exists with a different name: ${twin.name}`);
      }
      // Building a unique index over documents that already clash fails, as on the server.
      if (spec.unique) for (const d of docs) checkUnique(d, undefined, spec);
      indexes.push(spec);
      return true;
    },
    dropIndex(name) {
      const at = indexes.findIndex((i) => i.name === name);
      if (at <= 0) throw new CommandError(27, 'IndexNotFound', `index not found with name [${name}]`);
      indexes.splice(at, 1);
    },
  };
}
