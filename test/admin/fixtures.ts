import { Writable } from 'node:stream';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { registerAdmin, type AdminOptions, type AdminRoute, type AdminStatus, type PairingProvider, type WhatsAppRouteStatus } from '../../src/http/admin/routes.js';

export const TOKEN = 'admin-token-0123456789abcdef';
export const XSS = '<script>alert(1)</script>';

export const SAMPLE_QR = '2@Aq9bZr0test,pairing+payload/one==,ZmFrZS1rZXk=,c2VjcmV0';

/** The one route of a deployment without ROUTES_FILE: `transport` and `whatsapp` say what it is, as status.json does. */
type SingleRoute = { transport?: 'cloud' | 'web'; whatsapp?: Omit<WhatsAppRouteStatus, 'route' | 'transport'> };

/**
 * A web-transport bridge waiting to be paired, with one failure whose reason is hostile. Its one
 * route is changed with `transport`/`whatsapp`, or `routes` lists several.
 */
export function sampleStatus({ transport = 'web', whatsapp = { state: 'qr', qr: SAMPLE_QR }, ...overrides }: Partial<AdminStatus> & SingleRoute = {}): AdminStatus {
  return {
    routes: [{ route: 'default', transport, ...whatsapp }],
    slack: { channel: '#it-support', ok: true, detail: 'bot U012ABCDEF' },
    jira: { enabled: true, target: 'SUP (desk 1) · request type 10' },
    queue: { pending: 3, running: 1, dead: 2 },
    failures: [
      { id: 42, kind: 'slack.post', lane: 'wa:16505551234', attempts: 8, reason: XSS, at: Date.UTC(2025, 0, 15, 9, 30) },
      { id: 41, kind: 'jira.comment', lane: 'wa:15550783881', attempts: 8, reason: 'Jira answered 503: Service Unavailable', at: Date.UTC(2025, 0, 15, 9, 12) },
    ],
    version: '0.1.0',
    ...overrides,
  };
}

/** A logger whose lines the test can read. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}

const notInThisTest = async (): Promise<never> => {
  throw new Error('not part of this test');
};

/**
 * The admin routes on a bare server. `pairing` and `unlink` are the one session of the `default`
 * route (what a deployment without ROUTES_FILE has); `routes` lists several instead.
 */
export function buildAdminServer({ pairing, unlink, ...opts }: Partial<AdminOptions> & { status: AdminOptions['status']; pairing?: PairingProvider; unlink?: () => Promise<void> }) {
  const logger = opts.logger ?? createLogger('silent');
  const app = createHttpServer({ logger, metrics: createMetrics(), bodyLimit: 64 * 1024, readiness: [] });
  const session = pairing || unlink ? { requestPairingCode: pairing ? (phone: string) => pairing.requestPairingCode(phone) : notInThisTest, unlink: unlink ?? notInThisTest } : undefined;
  const routes: AdminRoute[] = [{ name: 'default', session }];
  registerAdmin(app, { token: TOKEN, routes, ...opts, logger });
  return app;
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
