/**
 * Network faults the fake vendor servers can show, shared by them:
 * - hang: the request is read and then left open, no answer at all, until released;
 * - delay: the request is answered, but only after a while;
 * - refused connections: the port is closed (ECONNREFUSED) and reopened on the same number.
 * Rules are matched by key: each fake chooses the keys of a request (method, `*`, …).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hold {
  /** Lets the held requests continue, answered as if they had just arrived, and stops holding new ones. */
  release(): void;
  /** Requests this rule has caught so far (released ones included). */
  readonly caught: number;
  /** Requests it is holding now. */
  readonly waiting: number;
}

interface HangRule {
  keys: ReadonlySet<string>;
  left: number;
  caught: number;
  released: boolean;
  waiters: Set<() => void>;
}

export interface Faults {
  /** The next `count` (default: every one until released) requests with this key get no answer. */
  hang(key: string, opts?: { count?: number }): Hold;
  /** Requests with this key are answered `ms` later; 0 removes the delay. */
  delay(key: string, ms: number): void;
  /** Waits as the rules for a request with these keys say. False: the server closed meanwhile. */
  gate(keys: readonly string[]): Promise<boolean>;
  /** Releases every hold and forgets every rule. */
  clear(): void;
  /** Ends every wait with false (the server is closing). */
  shutdown(): void;
}

export function createFaults(): Faults {
  const hangs: HangRule[] = [];
  const delays = new Map<string, number>();
  const sleeping = new Set<{ timer: NodeJS.Timeout; done: (ok: boolean) => void }>();
  let closed = false;

  const release = (rule: HangRule) => {
    rule.released = true;
    const waiters = [...rule.waiters];
    rule.waiters.clear();
    for (const w of waiters) w();
  };

  return {
    hang(key, opts = {}) {
      const rule: HangRule = { keys: new Set([key]), left: opts.count ?? Infinity, caught: 0, released: false, waiters: new Set() };
      hangs.push(rule);
      return {
        release: () => release(rule),
        get caught() {
          return rule.caught;
        },
        get waiting() {
          return rule.waiters.size;
        },
      };
    },
    delay(key, ms) {
      if (ms > 0) delays.set(key, ms);
      else delays.delete(key);
    },
    async gate(keys) {
      const rule = hangs.find((r) => !r.released && r.left > 0 && keys.some((k) => r.keys.has(k)));
      if (rule) {
        rule.left -= 1;
        rule.caught += 1;
        await new Promise<void>((resolve) => rule.waiters.add(resolve));
        if (closed) return false;
      }
      const ms = keys.map((k) => delays.get(k)).find((d) => d !== undefined);
      if (ms !== undefined) {
        const ok = await new Promise<boolean>((resolve) => {
          const entry = { timer: setTimeout(() => (sleeping.delete(entry), resolve(true)), ms).unref(), done: resolve };
          sleeping.add(entry);
        });
        if (!ok) return false;
      }
      return !closed;
    },
    clear() {
      for (const rule of hangs.splice(0)) release(rule);
      delays.clear();
    },
    shutdown() {
      closed = true;
      for (const rule of hangs) release(rule);
      for (const s of sleeping) {
        clearTimeout(s.timer);
        s.done(false);
      }
      sleeping.clear();
    },
  };
}

export interface FaultyServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  port: number;
  /** Closes the port: new connections get ECONNREFUSED, open ones (in-flight requests too) are cut. */
  refuseConnections(): Promise<void>;
  /** Listens again, on the same port. */
  acceptConnections(): Promise<void>;
  /** Closes promptly, hung requests included (their sockets are destroyed). */
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1, port 0, whose port can be closed and reopened. A handler that throws
 * answers 500 instead of leaving the request open.
 */
export async function listenFaulty(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
  faults: Faults,
): Promise<FaultyServer> {
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.destroyed) return;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;

  const stop = () =>
    new Promise<void>((resolve, reject) => {
      if (!server.listening) return resolve();
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    refuseConnections: stop,
    async acceptConnections() {
      if (!server.listening) await listen(server, port);
    },
    async close() {
      faults.shutdown();
      await stop();
      server.closeAllConnections();
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`fake server could not listen on 127.0.0.1:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}
