import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../test/admin/fixtures.js';
import type { TicketRecord, TicketStore } from '../core/ports.js';
import { createHttpServer } from '../http/server.js';
import { createMetrics } from '../metrics.js';
import type { JiraQueue } from './jobs.js';
import { registerJiraWebhook } from './webhook-route.js';

const SECRET = 'jira-webhook-secret';
const HEADER = 'x-switchboard-secret';

function build() {
  const { logger, lines } = capturingLogger();
  const app = createHttpServer({ logger, metrics: createMetrics(), bodyLimit: 64 * 1024, readiness: [] });
  const deliveries: string[] = [];
  const tickets = { byKey: async (key: string) => (key === 'SUP-1' ? ({ key, chatId: '16505551234' } as TicketRecord) : undefined) } as TicketStore;
  const queue = {
    async change(_chatId: string, _change: unknown, deliveryId: string) {
      const fresh = !deliveries.includes(deliveryId);
      deliveries.push(deliveryId);
      return fresh;
    },
  } as JiraQueue;
  registerJiraWebhook(app, { secret: SECRET, secretHeader: HEADER, tickets, queue, logger });
  return { app, deliveries, lines };
}

const event = (timestamp: number) =>
  JSON.stringify({
    timestamp,
    webhookEvent: 'jira:issue_updated',
    issue: { id: '10001', key: 'SUP-1', fields: { status: { name: 'In progress', statusCategory: { key: 'indeterminate' } } } },
  });
const sign = (raw: string) => `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;

describe('POST /webhooks/jira', () => {
  let app: ReturnType<typeof build>['app'] | undefined;
  afterEach(async () => app?.close());

  const post = (payload: string, headers: Record<string, string>) =>
    app!.inject({ method: 'POST', url: '/webhooks/jira', headers: { 'content-type': 'application/json', ...headers }, payload });

  it('dedupes a signed delivery on its signed bytes, not on the unsigned identifier header', async () => {
    const built = build();
    app = built.app;
    const raw = event(1_749_416_383_000);
    for (const id of ['delivery-1', 'delivery-2', undefined]) {
      const res = await post(raw, { 'x-hub-signature': sign(raw), ...(id ? { 'x-atlassian-webhook-identifier': id } : {}) });
      expect(res.statusCode).toBe(200);
    }
    // The same body three times, whatever the header said: one delivery key.
    expect(new Set(built.deliveries).size).toBe(1);
    // Another event (another timestamp) is another delivery, even with a reused identifier.
    const next = event(1_749_416_390_000);
    await post(next, { 'x-hub-signature': sign(next), 'x-atlassian-webhook-identifier': 'delivery-1' });
    expect(new Set(built.deliveries).size).toBe(2);
  });

  it('an automation rule (secret in a header, covering every header) dedupes on its identifier when it sends one', async () => {
    const built = build();
    app = built.app;
    await post(event(1), { [HEADER]: SECRET, 'x-atlassian-webhook-identifier': 'rule-run-1' });
    await post(event(2), { [HEADER]: SECRET, 'x-atlassian-webhook-identifier': 'rule-run-1' });
    await post(event(1), { [HEADER]: SECRET });
    await post(event(1), { [HEADER]: SECRET });
    expect(built.deliveries).toHaveLength(4);
    expect(new Set(built.deliveries).size).toBe(2);
  });

  it('answers every failed check with the same neutral 401, and says which one only in the log', async () => {
    const built = build();
    app = built.app;
    const raw = event(1);
    const refusals: Array<Record<string, string>> = [
      {},
      { 'x-hub-signature': 'sha256=' + '0'.repeat(64) },
      { 'x-hub-signature': 'sha256=abc' },
      { [HEADER]: 'wrong' },
      { [HEADER]: `${SECRET}x` },
    ];
    for (const headers of refusals) {
      const res = await post(raw, headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toEqual({ error: 'unauthorized' });
    }
    expect(built.deliveries).toEqual([]);
    const reasons = built.lines.filter((l) => l.msg === 'Jira webhook refused').map((l) => l.reason);
    expect(reasons).toEqual([
      `neither X-Hub-Signature nor ${HEADER} was sent`,
      'X-Hub-Signature does not match JIRA_WEBHOOK_SECRET',
      'X-Hub-Signature does not match JIRA_WEBHOOK_SECRET',
      `${HEADER} is not JIRA_WEBHOOK_SECRET`,
      `${HEADER} is not JIRA_WEBHOOK_SECRET`,
    ]);
    expect(JSON.stringify(built.lines)).not.toContain(SECRET);
  });
});
