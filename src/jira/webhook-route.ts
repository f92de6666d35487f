import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TicketStore } from '../core/ports.js';
import { secretsEqual, sendUnauthorized } from '../http/auth.js';
import type { Logger } from '../logger.js';
import type { JiraQueue } from './jobs.js';
import { parseJiraEvent } from './webhook-events.js';

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
    const parsed = parseJiraEvent(req.body);
    if (!parsed.ok) return reply.status(400).send({ error: parsed.error });
    const event = parsed.event;
    const ticket = await opts.tickets.byKey(event.key);
    if (!ticket || event.kind === 'ignored') {
      log.debug({ key: event.key, why: event.kind === 'ignored' ? event.why : 'untracked' }, 'Jira event for a request the bridge does not track');
      return reply.status(200).send({ ok: true, ignored: true });
    }
    const deliveryId = jiraDeliveryKey(raw, req.headers, verified.signed);
    const queued =
      event.kind === 'comment'
        ? await opts.queue.comment(ticket.chatId, { key: event.key, event: event.event, comment: event.comment }, deliveryId)
        : await opts.queue.change(
            ticket.chatId,
            event.kind === 'deleted'
              ? { key: event.key, status: ticket.status, done: ticket.done, deleted: true, ...(event.at !== undefined ? { at: event.at } : {}) }
              : { key: event.key, status: event.status, done: event.done, ...(event.at !== undefined ? { at: event.at } : {}) },
            deliveryId,
          );
    log.info({ key: event.key, event: event.kind, queued }, 'Jira webhook recorded');
    return reply.status(200).send({ ok: true });
  });
}
