/**
 * Fake Slack Socket Mode server for tests: a real WebSocket server on 127.0.0.1 speaking the
 * documented protocol (https://docs.slack.dev/apis/events-api/using-socket-mode), for driving the
 * official @slack/socket-mode client.
 *
 *   const socket = await createFakeSocketMode({ appId: 'A0123456789' });
 *   const slack = await createFakeSlack({ appToken: 'xapp-1-A0123456789-1-fake', socketModeUrl: socket.issueUrl });
 *   // the client calls apps.connections.open on the fake Slack, then connects here
 *   await socket.waitForConnections(1);
 *   const delivery = await socket.deliver({ type: 'events_api', payload: eventCallbackBody });
 *   expect(delivery.acked).toBe(true);
 *
 * Protocol, as the page describes it:
 * - `apps.connections.open` hands out `wss://…/link/?ticket=…&app_id=…`; here each ticket is
 *   single-use and an unknown or reused one is refused at the upgrade (HTTP 401).
 * - On connect the server sends `{type: 'hello', num_connections, debug_info: {host, started,
 *   build_number, approximate_connection_time}, connection_info: {app_id}}`.
 * - Payloads arrive as `{envelope_id, type: 'events_api' | 'interactive' | 'slash_commands',
 *   accepts_response_payload, payload}` (plus `retry_attempt` / `retry_reason` for events, which
 *   the SDK reads); the app acknowledges each with `{envelope_id, payload?}`. Unacknowledged
 *   payloads are redelivered by Slack; here `deliver` just reports `acked: false` after a timeout.
 * - `{type: 'disconnect', reason: 'warning' | 'refresh_requested' | 'link_disabled', debug_info: {host}}`
 *   asks the app to reconnect (the client closes and calls apps.connections.open again).
 * WebSocket pings from the client are answered by `ws` itself; the server sends none.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

export interface EnvelopeSpec {
  type: EnvelopeType;
  /** An Events API body (`event_callback`), an interactivity payload, or slash command fields. */
  payload: unknown;
  /** Default: a fresh UUID, as Slack's. */
  envelopeId?: string;
  /** Default: false for events_api, true otherwise (as in the docs' examples). */
  acceptsResponsePayload?: boolean;
  /** events_api only: 0 on the first delivery. */
  retryAttempt?: number;
  retryReason?: string;
}

export type Delivery =
  /** `payload`: what the app sent back with its ack (`{}` when nothing). */
  | { acked: true; envelopeId: string; payload: unknown }
  | { acked: false; envelopeId: string };

export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled';

export interface FakeSocketMode {
  appId: string;
  /** A fresh single-use `ws://127.0.0.1:PORT/link/?ticket=…&app_id=…`: pass as `socketModeUrl` to createFakeSlack. */
  issueUrl: () => string;
  /** Connections open now. */
  openConnections(): number;
  /** Connections accepted (and sent hello) since the start. */
  acceptedConnections(): number;
  /** Resolves once `count` connections have been accepted since the start. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  /** Sends an envelope on the newest open connection; resolves when it is acked or after `timeoutMs` (default 2000). */
  deliver(envelope: EnvelopeSpec, opts?: { timeoutMs?: number }): Promise<Delivery>;
  /** Sends a `disconnect` message on every open connection. */
  disconnect(reason?: DisconnectReason): void;
  /** Every message clients sent, parsed, in order. */
  received(): unknown[];
  close(): Promise<void>;
}

export async function createFakeSocketMode(opts: { appId?: string } = {}): Promise<FakeSocketMode> {
  const appId = opts.appId ?? 'A0FAKEAPP1';
  const tickets = new Set<string>();
  const open: WebSocket[] = [];
  const received: unknown[] = [];
  const pending = new Map<string, (payload: unknown) => void>();
  let accepted = 0;
  const host = (n: number) => `applink-fake-${n}`;

  const server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Socket Mode endpoint: connect with a WebSocket to the URL apps.connections.open gave');
  });
  const wss = new WebSocketServer({ noServer: true });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const ticket = url.searchParams.get('ticket');
    if (!/^\/link\/?$/.test(url.pathname) || ticket === null || !tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      accepted += 1;
      open.push(ws);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let message: unknown;
        try {
          message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
        } catch {
          message = { unparsable: String(data) };
        }
        received.push(message);
        const id = typeof message === 'object' && message !== null ? (message as { envelope_id?: unknown }).envelope_id : undefined;
        if (typeof id === 'string') pending.get(id)?.((message as { payload?: unknown }).payload ?? {});
      });
      ws.on('close', () => open.splice(open.indexOf(ws), 1));
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: open.length,
          debug_info: { host: host(accepted), started: new Date().toISOString().replace('T', ' ').slice(0, 23), build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: appId },
        }),
      );
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    appId,
    issueUrl: () => {
      const ticket = randomUUID();
      tickets.add(ticket);
      return `${base}/link/?ticket=${ticket}&app_id=${appId}`;
    },
    openConnections: () => open.length,
    acceptedConnections: () => accepted,
    async waitForConnections(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (accepted < count) {
        if (Date.now() > deadline) throw new Error(`fake Socket Mode: ${accepted} connection(s) after ${timeoutMs} ms, expected ${count}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    deliver(envelope, { timeoutMs = 2000 } = {}) {
      const ws = open.at(-1);
      if (!ws) return Promise.reject(new Error('fake Socket Mode: no connection is open to deliver on'));
      const envelopeId = envelope.envelopeId ?? randomUUID();
      return new Promise<Delivery>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(envelopeId);
          resolve({ acked: false, envelopeId });
        }, timeoutMs);
        pending.set(envelopeId, (payload) => {
          clearTimeout(timer);
          pending.delete(envelopeId);
          resolve({ acked: true, envelopeId, payload });
        });
        ws.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type: envelope.type,
            accepts_response_payload: envelope.acceptsResponsePayload ?? envelope.type !== 'events_api',
            ...(envelope.type === 'events_api' ? { retry_attempt: envelope.retryAttempt ?? 0, retry_reason: envelope.retryReason ?? '' } : {}),
            payload: envelope.payload,
          }),
        );
      });
    },
    disconnect(reason = 'refresh_requested') {
      open.forEach((ws, i) => ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: host(i + 1) } })));
    },
    received: () => [...received],
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const ws of open) ws.terminate();
        wss.close();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
