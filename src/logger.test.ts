import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { censorFields, createLogger, maskPhone } from './logger.js';
import { conversationId } from './queue/worker.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('logger', () => {
  it('redacts message text, phone numbers and tokens at info', () => {
    const { lines, logger } = capture();
    logger.info({ text: 'my chest hurts', from: '16505551234', token: 'EAAG123', msg2: { body: 'secret body', wa_id: '16505551234' } }, 'inbound');
    const out = lines.join('');
    expect(out).not.toContain('chest');
    expect(out).not.toContain('16505551234');
    expect(out).not.toContain('EAAG123');
    expect(out).not.toContain('secret body');
    expect(out).toContain('[redacted]');
  });

  it('redacts BSUIDs and usernames like phone numbers', () => {
    const { lines, logger } = capture();
    logger.info({ user_id: 'US.13491208655302741918', contact: { username: 'sheena.nelson', recipient_user_id: 'US.13491208655302741918' }, recipient: 'US.ENT.11815799212886844830' }, 'inbound');
    const out = lines.join('');
    expect(out).not.toContain('13491208655302741918');
    expect(out).not.toContain('11815799212886844830');
    expect(out).not.toContain('sheena.nelson');
  });

  it('redacts what a child logger is bound to, and the credentials in request headers', () => {
    const { lines, logger } = capture();
    logger.child({ phone: '16505551234' }).info({ req: { method: 'POST', headers: { authorization: 'Bearer xoxb-1234', 'x-hub-signature-256': 'sha256=abcdef', accept: 'application/json' } } }, 'request');
    const line = JSON.parse(lines.join('')) as { phone: string; req: { method: string; headers: Record<string, string> } };
    expect(line.phone).toBe('[redacted]');
    expect(line.req.method).toBe('POST');
    expect(line.req.headers).toEqual({ authorization: '[redacted]', 'x-hub-signature-256': '[redacted]', accept: 'application/json' });
  });

  it('redacts an error\'s own fields and keeps it an error for the err serializer', () => {
    const { lines, logger } = capture();
    const err = Object.assign(new TypeError('upload failed'), { body: 'the patient wrote this', code: 'E_UPLOAD' });
    logger.error({ err }, 'failed');
    const line = JSON.parse(lines.join('')) as { err: { type: string; message: string; body: string; code: string; stack: string } };
    expect(line.err).toMatchObject({ type: 'TypeError', message: 'upload failed', body: '[redacted]', code: 'E_UPLOAD' });
    expect(line.err.stack).toContain('upload failed');
    // The caller's error is left as it was.
    expect(err.body).toBe('the patient wrote this');
  });

  it('leaves a line with nothing to censor as it is, and copies one that has', () => {
    const clean = { messages: 1, queued: 1, contact: { chatId: 'c1' }, ignored: ['statuses'] };
    expect(censorFields(clean)).toBe(clean);
    const dirty = { queued: 1, contact: { username: 'sheena.nelson', chatId: 'c1' } };
    expect(censorFields(dirty)).toEqual({ queued: 1, contact: { username: '[redacted]', chatId: 'c1' } });
    expect(dirty.contact.username).toBe('sheena.nelson');
    // Two levels down is not looked at: the documented reach is the top of a line and one level in.
    const deep = { a: { b: { text: 'x' } } };
    expect(censorFields(deep)).toBe(deep);
  });

  it('names conversations by a pseudonym, whether keyed by a number or a BSUID', () => {
    expect(conversationId('chat:US.13491208655302741918')).toMatch(/^chat:[0-9a-f]{12}$/);
  });

  it('names conversations in job logs by a pseudonym, not the phone number', () => {
    const id = conversationId('chat:16505551234');
    expect(id).toMatch(/^chat:[0-9a-f]{12}$/);
    expect(id).not.toContain('16505551234');
    expect(conversationId('chat:16505551234')).toBe(id);
    expect(conversationId('jira:16505551234')).not.toBe(id);
  });

  it('masks a phone to its last four digits', () => {
    expect(maskPhone('+1 650-555-1234')).toBe('…1234');
    expect(maskPhone('12')).toBe('****');
  });
});
