import type { FastifyInstance } from 'fastify';
import type { Intake } from './intake.js';
import type { Metrics } from './metrics.js';

/** What every receiver is handed once, before anything starts. */
export interface ReceiverContext {
  /** Where HTTP receivers put their routes (webhooks, /slack/events). */
  server: FastifyInstance;
  /** Where every event is recorded and queued, whichever way it arrived. */
  intake: Intake;
  metrics?: Pick<Metrics, 'webhookItemsRejected'>;
}

/**
 * One lifecycle for everything that brings events in, as bolt-js's `Receiver`: the WhatsApp
 * transports (Cloud API webhook, WhatsApp Web socket) and the Slack receivers (Events API over
 * HTTP, Socket Mode). `init` wires routes and the intake (no I/O); `start` connects (sockets) or
 * does nothing (webhooks, whose routes open with the server); `stop` disconnects.
 */
export interface Receiver {
  init(ctx: ReceiverContext): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Receivers whose events come over HTTP only: their routes are their whole life. */
export function httpReceiver(register: (ctx: ReceiverContext) => void): Receiver {
  return { init: register, start: async () => undefined, stop: async () => undefined };
}
