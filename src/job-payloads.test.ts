import { describe, expect, it } from 'vitest';
import { BridgeError } from './core/errors.js';
import type { InboundEnvelope } from './core/relay/inbound.js';
import type { SlackEvent } from './core/slack-events.js';
import { createIntake, JOB_INBOUND, JOB_SLACK, JOB_STATUS } from './intake.js';
import { isBridgeNoticeJob, isInboundJob, isJiraActionJob, isJiraChangeJob, isJiraChatJob, isJiraCommentJob, isSlackJob, isStatusJob, readPayload } from './job-payloads.js';
import { createMemoryStore } from './store/memory/index.js';

// Numbers and ids in the forms Meta's and Slack's documentation use for examples.
const envelope: InboundEnvelope = {
  message: { id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdCNUM', transport: 'cloud', chatId: '16505551234', businessNumber: '15550783881', sender: { waId: '16505551234' }, timestamp: 1_749_416_383_000, content: { kind: 'text', body: 'hello' } },
  contact: { waId: '16505551234', name: 'Sheena Nelson', businessNumber: '15550783881', ids: { phone: '16505551234' } },
};
const slackEvent: SlackEvent = { kind: 'message', eventId: 'Ev0PV52K21', channel: 'C0123456789', user: 'U0G9QF9C6', text: 'hi', ts: '1749416400.000200', threadTs: '1749416383.000100' };

describe('job payloads, read back from the queue', () => {
  it('accepts what intake queues, read back from a store', async () => {
    const store = createMemoryStore();
    await store.contacts.upsert({ chatId: '16505551234', transport: 'cloud', waId: '16505551234', phone: '16505551234', isGroup: false });
    await store.contacts.setCard('16505551234', 'C0123456789', '1749416383.000100');
    const queue = store.queue({ leaseMs: 30_000, maxAttempts: 3 });
    const intake = createIntake(queue, () => undefined, {
      contacts: store.contacts,
      messages: store.messages,
      supportChannels: async () => ['C0123456789'],
      self: async () => ({ userId: 'U0BRIDGE01' }),
    });
    await intake.recordWhatsApp({ messages: [envelope], statuses: [{ messageId: 'wamid.out', status: 'read', timestamp: 1, recipient: '16505551234' }] });
    expect(await intake.recordSlack(slackEvent)).toEqual({ queued: true });
    const jobs = [];
    for (let batch = await queue.claim('w', 10); batch.length > 0; batch = await queue.claim('w', 10)) {
      for (const job of batch) await queue.complete(job, 'w');
      jobs.push(...batch);
    }
    const guards: Record<string, (p: unknown) => boolean> = { [JOB_INBOUND]: isInboundJob, [JOB_STATUS]: isStatusJob, [JOB_SLACK]: isSlackJob };
    expect(jobs.map((j) => j.kind).sort()).toEqual([JOB_INBOUND, JOB_SLACK, JOB_STATUS].sort());
    for (const job of jobs) expect(guards[job.kind]!(job.payload)).toBe(true);
  });

  it('refuses payloads that lack what the handlers read', () => {
    expect(isInboundJob({ item: { ...envelope, message: { ...envelope.message, chatId: 42 } } })).toBe(false);
    expect(isInboundJob({ item: { message: envelope.message } })).toBe(false);
    expect(isInboundJob(null)).toBe(false);
    expect(isStatusJob({ status: { messageId: 'wamid.out', status: 'seen', timestamp: 1, recipient: 'c' } })).toBe(false);
    expect(isSlackJob({ chatId: 'c', event: { ...slackEvent, kind: 'app_mention' } })).toBe(false);
    expect(isSlackJob({ event: slackEvent })).toBe(false);
    expect(isBridgeNoticeJob({ notice: 'web_logged_out', key: 'web-logged-out:1' })).toBe(true);
    expect(isBridgeNoticeJob({ notice: 'something_else', key: 'k' })).toBe(false);
    expect(isJiraChatJob({ chatId: 'c', firstLine: 'hello' })).toBe(true);
    expect(isJiraChatJob({ chatId: 'c', firstLine: 7 })).toBe(false);
    expect(isJiraChangeJob({ key: 'SUP-7', status: 'Resolved', done: true })).toBe(true);
    expect(isJiraChangeJob({ key: 'SUP-7', status: 'Resolved', done: 'yes' })).toBe(false);
  });

  // Card actions (issue 12): the request's side of a press, and a Jira comment on its way to the contact.
  it('reads the card actions’ Jira jobs, and refuses one that lacks what the handlers read', () => {
    const action = { chatId: '16505551234', key: 'action:C0123456789:1749416383.000100:switchboard_claim:1749416390.000200', action: 'claim', userId: 'U0G9QF9C6', name: 'Ana Souza' };
    expect(isJiraActionJob(action)).toBe(true);
    expect(isJiraActionJob({ ...action, closing: true })).toBe(true);
    expect(isJiraActionJob({ ...action, action: 'escalate' })).toBe(false);
    expect(isJiraActionJob({ ...action, closing: 'yes' })).toBe(false);
    expect(isJiraActionJob({ ...action, name: undefined })).toBe(false);
    const comment = { key: 'SUP-7', event: 'created', comment: { id: '10010', body: 'Your replacement ships today.', isPublic: true, authorName: 'Ana Souza' } };
    expect(isJiraCommentJob(comment)).toBe(true);
    expect(isJiraCommentJob({ ...comment, event: 'deleted' })).toBe(false);
    expect(isJiraCommentJob({ ...comment, comment: { ...comment.comment, isPublic: 'true' } })).toBe(false);
    expect(isJiraCommentJob({ key: 'SUP-7', event: 'created' })).toBe(false);
  });

  it('fails a job whose payload does not fit for good, naming its kind', () => {
    expect(readPayload(JOB_SLACK, { chatId: 'c', event: slackEvent }, isSlackJob).chatId).toBe('c');
    let thrown: unknown;
    try {
      readPayload(JOB_INBOUND, { item: 'garbled' }, isInboundJob);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BridgeError);
    expect(thrown).toMatchObject({ code: 'job_payload_invalid', retryable: false, message: expect.stringContaining(JOB_INBOUND) });
  });
});
