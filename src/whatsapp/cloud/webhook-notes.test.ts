import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../logger.js';
import { createOnceLog } from './webhook-notes.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger('info', sink), lines };
}

const none = { otherNumbers: [], unread: [], accountErrors: [], unknownStatuses: [] };

describe('createOnceLog', () => {
  it('logs another number, a field, an account error and a status value once each, however often they come', () => {
    const { log, lines } = capture();
    const notes = createOnceLog(log);
    for (let i = 0; i < 3; i++) {
      notes.deliveryNotes({
        otherNumbers: [{ phoneNumberId: '106540352242923', items: 2 }],
        unread: [{ field: 'history', items: 1 }],
        accountErrors: [{ code: 131042, title: 'Business eligibility payment issue' }],
        unknownStatuses: ['played'],
      });
    }
    notes.deliveryNotes({ ...none, otherNumbers: [{ phoneNumberId: '106540352242924', items: 1 }] });
    const numbers = lines.filter((l) => String(l.msg).includes('another phone number'));
    expect(numbers.map((l) => l.phoneNumberId)).toEqual(['106540352242923', '106540352242924']);
    expect(lines.filter((l) => l.field === 'history')).toHaveLength(1);
    expect(lines.filter((l) => l.code === 131042)).toHaveLength(1);
    expect(lines.filter((l) => l.status === 'played')).toHaveLength(1);
  });

  it('keeps its memory bounded: a flood of ids does not grow it for ever', () => {
    const { log, lines } = capture();
    const notes = createOnceLog(log);
    for (let i = 0; i <= 1000; i++) notes.deliveryNotes({ ...none, otherNumbers: [{ phoneNumberId: String(i), items: 1 }] });
    // The memory was reset once it held 1,000 ids, so the first one is told again.
    notes.deliveryNotes({ ...none, otherNumbers: [{ phoneNumberId: '0', items: 1 }] });
    expect(lines.filter((l) => l.phoneNumberId === '0')).toHaveLength(2);
  });
});
