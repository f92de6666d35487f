/** Update documents (operators, replacements, pipelines) applied through mingo, as the server applies them. */
import { deserialize, ObjectId, serialize, type Document } from 'bson';
import { Aggregator, update as mingoUpdate } from 'mingo';
import { CommandError } from './errors.js';
import { setPath } from './keys.js';

/** A deep copy with BSON types kept (ObjectId, Date, Binary…), so stored documents never share state with callers. */
export function clone<T extends Document>(doc: T): T {
  return deserialize(serialize(doc), { promoteLongs: true, promoteValues: true, promoteBuffers: false }) as T;
}

const isOperatorUpdate = (u: Document) => Object.keys(u).some((k) => k.startsWith('$'));

/** What an upsert's new document starts from: the filter's equality conditions (`$and` included). */
export function seedFromFilter(filter: Document): Document {
  const seed: Document = {};
  const walk = (f: Document) => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) for (const part of value as Document[]) walk(part);
      if (key.startsWith('$')) continue;
      const isOperators = value !== null && typeof value === 'object' && !(value instanceof ObjectId) && !(value instanceof Date) && !Array.isArray(value) && Object.keys(value as Document).some((k) => k.startsWith('$'));
      if (!isOperators) setPath(seed, key, value);
      else if ('$eq' in (value as Document)) setPath(seed, key, (value as Document).$eq);
    }
  };
  walk(filter);
  return seed;
}

/**
 * The document after `u`: a copy, the original untouched (so a write that then breaks a unique
 * index changes nothing). `inserting`: an upsert creating it, where `$setOnInsert` applies.
 */
export function applyUpdate(original: Document, u: Document | Document[], opts: { inserting: boolean; arrayFilters?: Document[] }): Document {
  const doc = clone(original);
  let next: Document;
  if (Array.isArray(u)) {
    next = new Aggregator(u).run([doc])[0] as Document;
  } else if (isOperatorUpdate(u)) {
    const { $setOnInsert, ...rest } = u as { $setOnInsert?: Document } & Document;
    const modifier: Document = { ...rest };
    if (opts.inserting && $setOnInsert) modifier.$set = { ...(modifier.$set as Document | undefined), ...$setOnInsert };
    if (Object.keys(modifier).length > 0) {
      try {
        mingoUpdate(doc, modifier, opts.arrayFilters);
      } catch (err) {
        const message = (err as Error).message;
        if (/immutable field '_id'/.test(message)) throw new CommandError(66, 'ImmutableField', message);
        throw new CommandError(9, 'FailedToParse', message);
      }
    }
    next = doc;
  } else {
    if (Object.keys(u).some((k) => k.startsWith('$'))) throw new CommandError(9, 'FailedToParse', 'replacement document must not contain operators');
    next = { _id: doc._id, ...clone(u) };
  }
  if (original._id !== undefined && !sameId(original._id, next._id)) {
    throw new CommandError(66, 'ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  if (next._id === undefined) next = { _id: new ObjectId(), ...next };
  return next;
}

function sameId(a: unknown, b: unknown): boolean {
  return Buffer.from(serialize({ v: a })).equals(serialize({ v: b }));
}
