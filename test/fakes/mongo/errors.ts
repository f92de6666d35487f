import type { Document } from 'bson';

/**
 * A command the server refuses, with the fields a real server sends (`ok: 0`, `errmsg`, `code`,
 * `codeName`, and e.g. `keyPattern`/`keyValue` for a duplicate key): the driver builds its
 * MongoServerError from exactly these.
 */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The same failure as one entry of a write command's `writeErrors`. */
  toWriteError(index: number): Document {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export const badValue = (message: string) => new CommandError(2, 'BadValue', message);
export const notImplemented = (what: string) =>
  new CommandError(238, 'NotImplemented', `the MongoDB fake does not implement ${what}; add it to test/fakes/mongo if the store needs it`);
