import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPhone } from './logger.js';
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
