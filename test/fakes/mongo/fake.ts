/**
 * A MongoDB server on 127.0.0.1, port 0, that the official driver talks to over the real wire
 * protocol: an in-memory standalone node (no replica set, so no transactions), with the query and
 * update language from mingo, and the guarantees the store relies on enforced as mongod enforces
 * them: unique indexes (E11000), one command at a time (so findAndModify is atomic), write results.
 * It refuses, by name, what it does not implement.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Document } from 'bson';
import { createFaults, type Hold } from '../faults.js';
import { commandName, MONITORING, runCommand } from './commands.js';
import { createEngine } from './engine.js';
import { clone } from './update.js';
import { encodeMsgReply, encodeQueryReply, MORE_TO_COME, parseRequest, takeMessages, type Request } from './wire.js';

/** What a failed command looks like: a dropped connection, or a server error document. */
export type InjectedError = 'network' | { code: number; codeName?: string; errmsg?: string; errorLabels?: string[] };

export const NOT_WRITABLE_PRIMARY: InjectedError = { code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary' };

export interface FakeMongoOptions {
  /** Default 7.0.0 (wire version 21), inside what driver 6.x supports (8 to 27). */
  version?: string;
  maxWireVersion?: number;
  /** Report logical sessions, as every real server since 3.6 does (standalone too). Default true. */
  sessions?: boolean;
}

export interface FakeMongo {
  /** `mongodb://127.0.0.1:PORT`, no database. */
  url: string;
  port: number;
  /** A URL naming a database, with the options given. */
  uri(db: string, options?: Record<string, string | number>): string;
  /** The next `count` commands (default 1) named `key` (`*`: any but the handshake and health checks) fail so. */
  failNext(key: string, error: InjectedError, count?: number): void;
  /** The next `count` (default all until released) commands named `key` (or `*`) get no answer. */
  hang(key: string, opts?: { count?: number }): Hold;
  /** Forgets every fault rule, releasing held commands. */
  clearFaults(): void;
  /** Closes the port (ECONNREFUSED) and cuts every open connection. */
  refuseConnections(): Promise<void>;
  acceptConnections(): Promise<void>;
  /** Runs the TTL monitor once, at `now` (default: the real clock); returns how many documents it deleted. */
  sweepTtl(now?: number): number;
  /** A copy of a collection's documents, in natural order. */
  documents(db: string, collection: string): Document[];
  /** Names of the commands received so far (handshake and health checks left out), oldest first. */
  readonly commands: readonly string[];
  /** The documents of the commands received with this name, oldest first (what the driver sent). */
  received(name: string): Document[];
  /** Connections open now. */
  connections(): number;
  close(): Promise<void>;
}

export async function createFakeMongo(options: FakeMongoOptions = {}): Promise<FakeMongo> {
  const engine = createEngine();
  const faults = createFaults();
  const failures: Array<{ key: string; left: number; error: InjectedError }> = [];
  const commands: string[] = [];
  const bodies: Array<{ name: string; body: Document }> = [];
  const sockets = new Set<Socket>();
  let connectionIds = 0;
  const version = options.version ?? '7.0.0';

  function failureFor(name: string): InjectedError | undefined {
    const rule = failures.find((f) => f.left > 0 && (f.key === name || (f.key === '*' && !MONITORING.has(name))));
    if (!rule) return undefined;
    rule.left -= 1;
    return rule.error;
  }

  async function answer(socket: Socket, connectionId: number, request: Request): Promise<void> {
    if (request.op === 'unsupported') {
      socket.destroy(); // OP_COMPRESSED and the removed opcodes: never offered, so never expected
      return;
    }
    const raw = request.command;
    const body = (request.op === 'query' && raw.$query ? raw.$query : raw) as Document;
    const db = request.op === 'query' ? request.collection.split('.')[0]! : String(body.$db ?? 'test');
    const name = commandName(body);
    if (!MONITORING.has(name)) {
      commands.push(name);
      bodies.push({ name, body });
    }
    const keys = MONITORING.has(name) ? [name] : [name, '*'];
    if (!(await faults.gate(keys))) return void socket.destroy();
    // As MongoDB 6.0+: OP_QUERY carries the handshake only; drivers send everything else as OP_MSG.
    if (request.op === 'query' && !MONITORING.has(name)) {
      socket.write(encodeQueryReply(request.header.requestId, { ok: 0, errmsg: `Unsupported OP_QUERY command: ${name}`, code: 352, codeName: 'UnsupportedOpQueryCommand' }));
      return;
    }
    const injected = failureFor(name);
    if (injected === 'network') return void socket.destroy();
    const reply = injected
      ? { ok: 0, errmsg: injected.errmsg ?? 'injected failure', code: injected.code, codeName: injected.codeName ?? 'InjectedFailure', ...(injected.errorLabels ? { errorLabels: injected.errorLabels } : {}) }
      : runCommand(engine, { version, maxWireVersion: options.maxWireVersion ?? 21, sessions: options.sessions ?? true, connectionId }, db, body);
    if (socket.destroyed) return;
    if (request.op === 'query') socket.write(encodeQueryReply(request.header.requestId, reply));
    else if (!(request.flags & MORE_TO_COME)) socket.write(encodeMsgReply(request.header.requestId, reply));
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const connectionId = ++connectionIds;
    let pending: Buffer = Buffer.alloc(0);
    // One command at a time per connection, in order, as mongod reads them.
    let queue = Promise.resolve();
    socket.on('data', (chunk) => {
      let parsed;
      try {
        parsed = takeMessages(Buffer.concat([pending, chunk]));
      } catch {
        return void socket.destroy();
      }
      pending = parsed.rest;
      for (const message of parsed.messages) {
        queue = queue.then(() => answer(socket, connectionId, parseRequest(message))).catch(() => void socket.destroy());
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const url = `mongodb://127.0.0.1:${port}`;

  return {
    url,
    port,
    uri(db, opts = {}) {
      const query = new URLSearchParams(Object.entries(opts).map(([k, v]): [string, string] => [k, String(v)])).toString();
      return `${url}/${db}${query ? `?${query}` : ''}`;
    },
    failNext(key, error, count = 1) {
      failures.push({ key, left: count, error });
    },
    hang: (key, opts) => faults.hang(key, opts),
    clearFaults() {
      failures.length = 0;
      faults.clear();
    },
    refuseConnections: stop,
    async acceptConnections() {
      if (!server.listening) await listen(port);
    },
    sweepTtl: (now = Date.now()) => engine.sweepTtl(now),
    documents: (db, collection) => (engine.collection(db, collection)?.docs ?? []).map((d) => clone(d)),
    commands,
    received: (name) => bodies.filter((b) => b.name === name).map((b) => b.body),
    connections: () => sockets.size,
    async close() {
      faults.shutdown();
      await stop();
    },
  };
}
