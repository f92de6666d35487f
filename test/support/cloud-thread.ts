import { Writable } from 'node:stream';
import { CHANNEL, fixture, type Harness } from './harness.js';

type Body = { entry: Array<{ changes: Array<{ value: Record<string, Array<Record<string, unknown>>> }> }> };

/** A documented fixture with the first item of one of its lists (`messages`, `message_echoes`, `statuses`…) patched. */
export function patchedFixture(name: string, list: string, patch: Record<string, unknown>): Record<string, unknown> {
  const body = fixture(name) as Body;
  Object.assign(body.entry[0]!.changes[0]!.value[list]![0]!, patch);
  return body;
}

/** The replies in the thread of the first contact card. */
export function firstThread(h: Harness) {
  const card = h.slack.topLevel(CHANNEL)[0];
  if (!card) throw new Error('no contact card was posted');
  return h.slack.threadReplies(CHANNEL, card.ts);
}

/** A post's text and blocks together, for checks that do not care which holds the words. */
export const allText = (m: { text?: string; blocks?: unknown[] }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

/** The service's log lines, parsed, for a harness started with `logs: sink`. */
export function captureLogLines(): { sink: Writable; lines: () => Array<Record<string, unknown>> } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { sink, lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}
