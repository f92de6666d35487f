import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TicketStore } from '../core/ports.js';
import { secretsEqual, sendUnauthorized } from '../http/auth.js';
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

/**
 * Admin webhooks with a secret sign the raw body: `X-Hub-Signature: sha256=<hex HMAC-SHA256>`
 * (developer.atlassian.com/cloud/jira/platform/webhooks, "Secure admin webhooks"). Automation rules
 * cannot sign, so they may send the secret itself in a header instead. Returns why it failed, for
 * the log only (the caller gets one neutral 401).
 */
export function verifyJiraRequest(
  raw: Buffer,
  headers: Record<string, string | string[] | undefined>,
  secret: string,
  secretHeader: string,
): { ok: true; signed: boolean } | { ok: false; reason: string } {
  const signature = headers['x-hub-signature'];
  if (typeof signature === 'string' && signature.startsWith('sha256=')) {
    const expected = createHmac('sha256', secret).update(raw).digest();
    const given = Buffer.from(signature.slice(7), 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true, signed: true } : { ok: false, reason: 'X-Hub-Signature does not match JIRA_WEBHOOK_SECRET' };
  }
  const given = headers[secretHeader];
  if (typeof given !== 'string') return { ok: false, reason: `neither X-Hub-Signature nor ${secretHeader} was sent` };
  return secretsEqual(given, secret) ? { ok: true, signed: false } : { ok: false, reason: `${secretHeader} is not JIRA_WEBHOOK_SECRET` };
}

/**
 * What identifies one delivery across Jira's retries. For a signed admin webhook it must be covered
 * by the signature: the `x-atlassian-webhook-identifier` header is not signed, so anyone replaying a
 * captured body could pick a new identifier and have it acted on again. Jira resends the very same
 * body on a retry, and the body carries the event's `timestamp` (ms), so its hash tells deliveries
 * apart. An automation rule's request is authenticated by the secret itself, which covers every
 * header, so there the identifier (when sent) is as trustworthy as the body and survives a body
 * that has no timestamp of its own.
 */
export function jiraDeliveryKey(raw: Buffer, headers: Record<string, string | string[] | undefined>, signed: boolean): string {
  const id = headers['x-atlassian-webhook-identifier'];
  if (!signed && typeof id === 'string' && id) return `id:${id}`;
  return createHash('sha256').update(raw).digest('hex');
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
    const verified = opts.secret ? verifyJiraRequest(raw, req.headers, opts.secret, opts.secretHeader) : { ok: false as const, reason: 'JIRA_WEBHOOK_SECRET is not set' };
    if (!verified.ok) {
      log.warn({ reason: verified.reason }, 'Jira webhook refused');
      return sendUnauthorized(reply);
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
    const deliveryId = jiraDeliveryKey(raw, req.headers, verified.signed);
    const queued = await opts.queue.change(ticket.chatId, { key: issue.key, status: status.name, done: status.statusCategory?.key === 'done' }, deliveryId);
    log.info({ key: issue.key, event: parsed.data.webhookEvent, queued }, 'Jira webhook recorded');
    return reply.status(200).send({ ok: true });
  });
}
