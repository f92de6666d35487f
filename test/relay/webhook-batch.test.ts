import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { cloudWebhook, WA_ID } from '../support/webhooks.js';

/** Meta's second example user (fictional 555-01xx). */
const KIM = '16505550199';
const T = 1_749_416_383;
const text = (from: string, id: string, ts: number, body: string) => ({ from, id, timestamp: String(ts), type: 'text', text: { body } });

/**
 * One delivery with three valid messages and, beside them, a malformed message that still names
 * its sender and id, one that does not, a malformed status and a contact without wa_id.
 */
function mixedBatch() {
  return cloudWebhook({
    contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: WA_ID }, { profile: { name: 'Kim' }, wa_id: KIM }, { profile: { name: 'No number' } }],
    messages: [
      text(WA_ID, 'wamid.batch-1', T, 'first'),
      { from: WA_ID, id: 'wamid.batch-bad-image', timestamp: String(T + 1), type: 'image', image: { mime_type: 'image/jpeg', caption: 'a private caption' } },
      text(WA_ID, 'wamid.batch-3', T + 2, 'third'),
      { from: KIM, timestamp: String(T + 3), type: 'text', text: { body: 'secret words' } },
      text(KIM, 'wamid.batch-5', T + 4, 'hello from kim'),
    ],
    statuses: [{ id: 'wamid.batch-status', status: 'delivered' }],
  });
}

describe('a webhook delivery with malformed items', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function rejectedCounts(): Promise<Record<string, number>> {
    const text = await (await fetch(`${h.base}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^switchboard_webhook_items_rejected_total\{kind="(\w+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  }

  it('records every valid item, shows the unreadable message in its contact’s thread, and reports the rest', async () => {
    let logs = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs += chunk.toString('utf8');
        done();
      },
    });
    h = await startHarness({ logs: sink });
    const res = await h.webhook(mixedBatch());
    expect(res.status).toBe(200);
    await h.drain();

    const cards = h.slack.topLevel(CHANNEL);
    expect(cards).toHaveLength(2);
    const cardOf = (name: string) => cards.find((c) => c.text?.includes(name))!;
    const thread = (name: string) => h.slack.threadReplies(CHANNEL, cardOf(name).ts).map((m) => m.text ?? '');
    const sheena = thread('Sheena Nelson');
    expect(sheena).toHaveLength(3);
    expect(sheena[0]).toBe('first');
    expect(sheena[1]).toContain('A message (image) from this contact could not be read');
    expect(sheena[1]).toContain('`image.id`');
    expect(sheena[2]).toBe('third');
    // The message without an id cannot be told apart from Meta's retries of it: reported, not shown.
    expect(thread('Kim')).toEqual(['hello from kim']);
    expect(JSON.stringify(h.slack.state.messages)).not.toContain('secret words');

    expect(await rejectedCounts()).toEqual({ message: 2, status: 1, contact: 1 });
    const warnings = logs
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'webhook item malformed: left out, the rest recorded');
    expect(warnings.map((w) => [w.kind, w.at, w.field, w.shownInThread])).toEqual([
      ['contact', 'entry.0.changes.0.value.contacts.2', 'wa_id', false],
      ['message', 'entry.0.changes.0.value.messages.1', 'image.id', true],
      ['message', 'entry.0.changes.0.value.messages.3', 'id', false],
      ['status', 'entry.0.changes.0.value.statuses.0', 'timestamp', false],
    ]);
    for (const w of warnings) expect(w.reason).toBeTypeOf('string');
    // Neither the content nor the numbers of a malformed item reach the log.
    for (const secret of ['secret words', 'a private caption', KIM, WA_ID]) expect(JSON.stringify(warnings)).not.toContain(secret);
    expect(logs).not.toContain('secret words');

    // Meta resends the same delivery: nothing is posted twice.
    expect((await h.webhook(mixedBatch())).status).toBe(200);
    await h.drain();
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(2);
    expect(thread('Sheena Nelson')).toHaveLength(3);
    expect(thread('Kim')).toHaveLength(1);
  });

  it('still answers 400 to a body that is not a webhook at all', async () => {
    h = await startHarness();
    const noEntry = await h.webhook({ object: 'whatsapp_business_account' });
    expect(noEntry.status).toBe(400);
    expect(((await noEntry.json()) as { error: string }).error).toMatch(/^not a WhatsApp Business Account webhook: entry/);
    const notAList = await h.webhook({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: { from: WA_ID } } }] }] });
    expect(notAList.status).toBe(400);
    expect(((await notAList.json()) as { error: string }).error).toContain('entry.0.changes.0.value.messages');
    expect(await rejectedCounts()).toEqual({});
    expect((await h.app.outbox.depth()).pending).toBe(0);
  });
});
