import { describe, expect, it } from 'vitest';
import { createPacer } from '../../pacer.js';
import type { GraphClient } from './graph-client.js';
import { createCloudSender, PAIR_BURST, PAIR_MESSAGES_PER_SECOND } from './sender.js';

/** A virtual clock shared by the pacers: sleeping advances it, so pacing can be read off exactly. */
function virtualTime() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

function recordingGraph(sent: Array<{ to: string; at: number }>, now: () => number): GraphClient {
  return {
    async sendMessage(body) {
      sent.push({ to: body.to, at: now() });
      return { wamid: `wamid.${sent.length}`, waId: body.to };
    },
  } as GraphClient;
}

describe('cloud sender pacing', () => {
  it('spreads a storm to one person at the pair rate after the burst, without slowing others', async () => {
    const v = virtualTime();
    const sent: Array<{ to: string; at: number }> = [];
    const sender = createCloudSender(recordingGraph(sent, v.now), {
      phoneNumberId: '106540352242922',
      pairPacer: createPacer({ perSecond: PAIR_MESSAGES_PER_SECOND, burst: PAIR_BURST, ...v }),
      pacer: createPacer({ perSecond: 80, burst: 80, ...v }),
    });
    for (let i = 0; i < PAIR_BURST + 2; i++) await sender.sendText('16505551234', `m${i}`);
    const before = v.now();
    await sender.sendText('16505550123', 'someone else');
    const toOne = sent.filter((s) => s.to === '16505551234').map((s) => s.at);
    expect(toOne.slice(0, PAIR_BURST).every((at) => at === 0)).toBe(true);
    expect(toOne[PAIR_BURST]).toBe(6_000);
    expect(toOne[PAIR_BURST + 1]).toBe(12_000);
    // The other contact is not held behind the first one's pair limit.
    const other = sent.find((s) => s.to === '16505550123')!;
    expect(other.at).toBe(before);
  });
});
