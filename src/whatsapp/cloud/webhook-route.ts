import type { FastifyInstance } from 'fastify';
import { secretsEqual, sendUnauthorized } from '../../http/auth.js';
import type { Logger } from '../../logger.js';
import type { Intake } from '../../intake.js';
import type { Metrics } from '../../metrics.js';
import { normaliseCloudWebhook } from './normalise.js';
import { parseCloudWebhook } from './payload.js';
import { verifyMetaSignature } from './signature.js';
import { createOnceLog } from './webhook-notes.js';

export interface CloudWebhookOptions {
  appSecret: string;
  verifyToken: string;
  /** The configured Cloud API number: another number's changes are acknowledged, not shown. */
  phoneNumberId?: string;
  /** Several numbers (routes): each phone number id's route; any other number's changes are acknowledged, not shown. */
  routes?: ReadonlyMap<string, string>;
  intake: Intake;
  logger: Logger;
  /** Counts the malformed items left out of a delivery. */
  metrics?: Pick<Metrics, 'webhookItemsRejected'>;
}

/**
 * GET: Meta's verification handshake. POST: notifications, acknowledged only once every message
 * and status in them is recorded and queued (one transaction), so a 200 means nothing is lost.
 * A malformed item does not refuse the delivery (Meta would resend it, to the same 400, for a
 * week, and the valid items beside it would never be recorded): it is logged, counted, and when
 * it still names its sender, shown in that contact's thread as a message that could not be read.
 * Only a body that is not a webhook at all gets a 400.
 */
export function registerCloudWebhook(app: FastifyInstance, opts: CloudWebhookOptions): void {
  const log = opts.logger.child({ component: 'whatsapp-webhook' });
  const noted = createOnceLog(log);

  app.get('/webhooks/whatsapp', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const token = q['hub.verify_token'];
    // Constant time: the verify token is a secret, and the handshake URL can be probed by anyone.
    if (q['hub.mode'] === 'subscribe' && typeof token === 'string' && secretsEqual(token, opts.verifyToken) && typeof q['hub.challenge'] === 'string') {
      log.info('webhook verified by Meta');
      return reply.type('text/plain').send(q['hub.challenge']);
    }
    log.warn({ mode: q['hub.mode'] }, 'webhook verification refused: wrong hub.verify_token or mode');
    return reply.status(403).send({ error: 'verification failed' });
  });

  app.post('/webhooks/whatsapp', { config: { signedBody: true } }, async (req, reply) => {
    const raw = req.rawBody ?? Buffer.alloc(0);
    if (!verifyMetaSignature(raw, req.headers['x-hub-signature-256'] as string | undefined, opts.appSecret)) {
      log.warn('webhook refused: X-Hub-Signature-256 missing or does not match WHATSAPP_APP_SECRET');
      return sendUnauthorized(reply);
    }
    if (typeof req.body !== 'object' || req.body === null || Buffer.isBuffer(req.body)) {
      return reply.status(400).send({ error: req.bodyError ?? 'body must be a JSON object' });
    }
    const parsed = parseCloudWebhook(req.body);
    if (!parsed.ok) {
      log.warn({ reason: parsed.reason }, 'webhook refused: malformed payload');
      return reply.status(400).send({ error: parsed.reason });
    }
    const normalised = normaliseCloudWebhook(parsed.value, { phoneNumberId: opts.phoneNumberId, routes: opts.routes });
    const recorded = await opts.intake.recordWhatsApp(normalised);
    noted.deliveryNotes(normalised);
    for (const item of normalised.rejected) {
      // Where and why only: the item's values (text, numbers) never reach the log.
      log.warn({ kind: item.kind, at: item.at, field: item.field, reason: item.reason, shownInThread: item.shown }, 'webhook item malformed: left out, the rest recorded');
      opts.metrics?.webhookItemsRejected.inc({ kind: item.kind });
    }
    log.info(
      {
        messages: normalised.messages.length,
        statuses: normalised.statuses.length,
        rejected: normalised.rejected.length,
        queued: recorded.queued,
        duplicates: recorded.duplicates,
        ignored: normalised.ignoredFields,
      },
      'webhook recorded',
    );
    return reply.status(200).send({ ok: true });
  });
}
