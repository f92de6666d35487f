/** Command dispatch: names, arguments the fake ignores on purpose, and what it refuses. */
import type { Document } from 'bson';
import { adminCommands, buildInfo, hello, type ServerInfo } from './admin.js';
import { crudCommands } from './crud.js';
import type { Engine } from './engine.js';
import { CommandError } from './errors.js';

/** Commands the driver's monitor and handshake send: never counted by a `*` fault rule. */
export const MONITORING = new Set(['hello', 'ismaster', 'isMaster']);

/** How the fake treats a command's generic fields: harmless on one node (lsid, read/write concern), or refused. */
const TRANSACTION_FIELDS = ['txnNumber', 'startTransaction', 'autocommit'];

export function commandName(body: Document): string {
  return Object.keys(body)[0] ?? '';
}

export function runCommand(engine: Engine, info: ServerInfo, db: string, body: Document): Document {
  const name = commandName(body);
  try {
    if (name === 'hello' || name === 'isMaster' || name === 'ismaster') return hello(info, name !== 'hello');
    if (name === 'buildInfo' || name === 'buildinfo') return buildInfo(info);
    // As a standalone mongod answers a transaction or a retryable write: it has no oplog to make them with.
    if (TRANSACTION_FIELDS.some((f) => f in body)) {
      throw new CommandError(20, 'IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
    }
    if (!info.sessions && 'lsid' in body) throw new CommandError(20, 'IllegalOperation', 'this fake reports no sessions, yet the command carries an lsid');
    const handler = crudCommands[name] ?? adminCommands[name];
    if (!handler) throw new CommandError(59, 'CommandNotFound', `no such command: '${name}'`);
    return handler({ engine, db, body });
  } catch (err) {
    if (err instanceof CommandError) return err.toReply();
    // A bug of the fake: loud, with its own words, never a silent success.
    return { ok: 0, errmsg: `MongoDB fake failed on ${name}: ${(err as Error).stack ?? String(err)}`, code: 1, codeName: 'InternalError' };
  }
}
