import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TicketStore } from '../core/ports.js';
import type { Logger } from '../logger.js';
import type { JiraQueue } from './jobs.js';

export interface JiraWebhookOptions {
  secret?: string;
  /** Header a Jira automation rule's web request carries the secret in. */
  secretHeader: string;
  tickets: TicketStore;
  queue: JiraQueue;
  logger: Logger;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Admin webhooks with a secret sign the raw body: `X-Hub-Signature: sha256=<hex HMAC-SHA256>`
 * (developer.atlassian.com/cloud/jira/platform/webhooks, "Secure admin webhooks"). Automation rules
 * cannot sign, so they may send the secret itself in a header instead.
 */
export function verifyJiraRequest(raw: Buffer, headers: Record<string, string | string[] | undefined>, secret: string, secretHeader: string): boolean {
  const signature = headers['x-hub-signature'];
  if (typeof signature === 'string' && signature.startsWith('sha256=')) {
    return safeEqual(signature.slice(7), createHmac('sha256', secret).update(raw).digest('hex'));
  }
  const given = headers[secretHeader];
  return typeof given === 'string' && safeEqual(given, secret);
}

const issueEvent = z.looseObject({
  webhookEvent: z.string().optional(),
  issue: z.looseObject({
    key: z.string().min(1),
    fields: z
      .looseObject({
        status: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).optional() }).optional(),
      })
      .optional(),
  }),
});

export function registerJiraWebhook(app: FastifyInstance, opts: JiraWebhookOptions): void {
  const log = opts.logger.child({ component: 'jira-webhook' });
  app.post('/webhooks/jira', { config: { signedBody: true } }, async (req, reply) => {
    const raw = req.rawBody ?? Buffer.alloc(0);
    if (!opts.secret || !verifyJiraRequest(raw, req.headers, opts.secret, opts.secretHeader)) {
      log.warn({ configured: Boolean(opts.secret) }, 'Jira webhook refused: missing or wrong signature / secret');
      return reply.status(401).send({ error: 'invalid signature or secret' });
    }
    if (req.bodyError) return reply.status(400).send({ error: req.bodyError });
    const parsed = issueEvent.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return reply.status(400).send({ error: `not a Jira issue event: ${issue.path.join('.') || 'body'}: ${issue.message}` });
    }
    const { issue } = parsed.data;
    const ticket = await opts.tickets.byKey(issue.key);
    const status = issue.fields?.status;
    if (!ticket || !status) {
      log.debug({ key: issue.key }, 'Jira event for a request the bridge does not track');
      return reply.status(200).send({ ok: true, ignored: true });
    }
    // The identifier stays the same across Jira's retries; without it, the body itself identifies the delivery.
    const header = req.headers['x-atlassian-webhook-identifier'];
    const deliveryId = typeof header === 'string' && header ? header : createHash('sha256').update(raw).digest('hex');
    const queued = await opts.queue.change(ticket.chatId, { key: issue.key, status: status.name, done: status.statusCategory?.key === 'done' }, deliveryId);
    log.info({ key: issue.key, event: parsed.data.webhookEvent, queued }, 'Jira webhook recorded');
    return reply.status(200).send({ ok: true });
  });
}
