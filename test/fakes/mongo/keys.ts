/** Field paths, index keys and value order, as the server applies them to documents. */
import { EJSON, type Document } from 'bson';

export function getPath(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Document)[part];
  }
  return value;
}

export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (const part of parts.slice(0, -1)) {
    if (typeof target[part] !== 'object' || target[part] === null) target[part] = {};
    target = target[part] as Document;
  }
  target[parts.at(-1)!] = value;
}

/** The values of an index's fields in a document (missing counts as null, as in MongoDB), as one comparable string. */
export function indexKey(doc: Document, key: Document): { text: string; value: Document } {
  const value: Document = {};
  for (const field of Object.keys(key)) value[field] = getPath(doc, field) ?? null;
  return { text: EJSON.stringify(Object.values(value), { relaxed: false }), value };
}

/** `{ k: "x" }` as the server prints a dup key in its E11000 message. */
export function printKey(value: Document): string {
  const parts = Object.entries(value).map(([k, v]) => `${k}: ${EJSON.stringify(v, { relaxed: true })}`);
  return `{ ${parts.join(', ')} }`;
}
