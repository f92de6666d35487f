import { describe, expect, it } from 'vitest';
import type { ResolveJob } from './core/relay/resolve-with-message.js';
import type { SavedReplyJob } from './core/start/send-saved-reply.js';
import type { StartJob } from './core/start/send-started.js';
import { isResolveJob, isSavedReplyJob, isStartJob, readPayload } from './job-payloads.js';

// Ids in the forms Slack's and Meta's documentation use for examples.
const start: StartJob = {
  chatId: '16505551234',
  user: 'U0G9QF9C6',
  viewId: 'VMHU10V25',
  start: { phone: '16505551234', name: 'Sheena Nelson' },
  template: { name: 'hello_world', language: 'en_US', params: [], body: 'Welcome and congratulations!!' },
};
const saved: SavedReplyJob = { chatId: '16505551234', channel: 'C0123456789', threadTs: '1749416383.000100', name: 'welcome', user: 'U0G9QF9C6', key: 'view:VMHU10V25' };
const resolve: ResolveJob = { chatId: '16505551234', channel: 'C0123456789', threadTs: '1749416383.000100', user: 'U0G9QF9C6', key: 'view:VMHU10V25', text: 'Thank you, all done.' };

describe('the start, saved-reply and resolve jobs, read back from the queue', () => {
  it('accepts what the interactions queue (a template, free text on WhatsApp Web, a picker in a thread)', () => {
    expect(isStartJob(JSON.parse(JSON.stringify(start)))).toBe(true);
    expect(isStartJob({ ...start, chatId: 'service~16505551234', route: 'service' })).toBe(true);
    expect(isStartJob({ chatId: '16505551234', user: 'U0G9QF9C6', viewId: 'VMHU10V25', start: { phone: '16505551234' }, text: 'Hello!' })).toBe(true);
    expect(isStartJob({ chatId: '16505551234', user: 'U0G9QF9C6', viewId: 'VMHU10V25', template: { ...start.template, params: ['Sheena'] }, noticeTs: '1749416390.000300' })).toBe(true);
    expect(isSavedReplyJob(JSON.parse(JSON.stringify(saved)))).toBe(true);
    expect(isResolveJob(JSON.parse(JSON.stringify(resolve)))).toBe(true);
    expect(isResolveJob({ ...resolve, text: undefined })).toBe(true);
  });

  it('refuses payloads that lack what the handlers read, as a permanent failure naming the kind', () => {
    expect(isStartJob({ ...start, viewId: undefined })).toBe(false);
    expect(isStartJob({ ...start, start: { name: 'Sheena Nelson' } })).toBe(false);
    expect(isStartJob({ ...start, template: { ...start.template, params: [1] } })).toBe(false);
    expect(isStartJob({ ...start, template: { name: 'hello_world' } })).toBe(false);
    expect(isStartJob({ ...start, text: 42 })).toBe(false);
    expect(isStartJob({ ...start, route: 42 })).toBe(false);
    expect(isStartJob({ ...start, route: 'Not A Route' })).toBe(false);
    expect(isSavedReplyJob({ ...saved, threadTs: 1749416383.0001 })).toBe(false);
    expect(isSavedReplyJob({ ...saved, key: undefined })).toBe(false);
    expect(isResolveJob({ ...resolve, key: undefined })).toBe(false);
    expect(isResolveJob({ ...resolve, text: 42 })).toBe(false);
    expect(() => readPayload('slack.saved_reply', { name: 'welcome' }, isSavedReplyJob)).toThrow(expect.objectContaining({ code: 'job_payload_invalid', retryable: false, message: expect.stringContaining('slack.saved_reply') }));
  });
});
