import { Writable } from 'node:stream';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { registerAdmin, type AdminOptions, type AdminStatus } from '../../src/http/admin/routes.js';

export const TOKEN = 'admin-token-0123456789abcdef';
export const XSS = '<script>alert(1)</script>';

/** A web-transport bridge waiting to be paired, with one failure whose reason is hostile. */
export function sampleStatus(overrides: Partial<AdminStatus> = {}): AdminStatus {
  return {
    transport: 'web',
    whatsapp: { state: 'qr', qr: '2@Aq9bZr0test,pairing+payload/one==,ZmFrZS1rZXk=,c2VjcmV0' },
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

export function buildAdminServer(opts: Partial<AdminOptions> & { status: AdminOptions['status'] }) {
  const logger = opts.logger ?? createLogger('silent');
  const app = createHttpServer({ logger, metrics: createMetrics(), bodyLimit: 64 * 1024, readiness: [] });
  registerAdmin(app, { token: TOKEN, ...opts, logger });
  return app;
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
