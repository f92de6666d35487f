import type { Harness } from './harness.js';
import { textWebhook } from './webhooks.js';

let seq = 0;
const recent = () => Math.floor((Date.now() - 60_000) / 1000);

/** A contact's text message a minute ago, with a fresh wamid; `from` picks another contact. */
export const says = (body: string, from?: { from: string; name: string }) => textWebhook(`wamid.j-${++seq}`, body, { timestamp: recent(), ...from });

/** Drains the queue, waits out one comment batch window (JIRA_COMMENT_BATCH_MS, 200 ms in the harness), drains again. */
export async function settle(h: Harness, batchMs = 200, timeoutMs?: number) {
  await h.drain(timeoutMs);
  await new Promise((r) => setTimeout(r, batchMs + 100));
  await h.drain(timeoutMs);
}

/** Polls for a condition until a deadline (never a fixed sleep standing in for it). */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function jiraWebhook(h: Harness, body: unknown, headers: Record<string, string>) {
  return fetch(`${h.base}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** A jira:issue_updated webhook body for a status change. */
export function issueUpdated(key: string, status: string, category: 'new' | 'indeterminate' | 'done') {
  return {
    timestamp: Date.now(),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    issue: { id: '10001', key, fields: { status: { name: status, statusCategory: { key: category } } } },
    changelog: { id: '1', items: [{ field: 'status', fieldtype: 'jira', fromString: 'Waiting for support', toString: status }] },
  };
}
