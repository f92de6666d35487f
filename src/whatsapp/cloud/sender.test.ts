import { describe, expect, it } from 'vitest';
import { createPacer } from '../../pacer.js';
import { mapGraphError, PAIR_RATE_DEFAULT_MS, type GraphClient } from './graph-client.js';
import { addressTo, createCloudSender, NUMBER_PAUSE_DEFAULT_MS, PAIR_BURST, PAIR_MESSAGES_PER_SECOND } from './sender.js';
import { virtualTime } from '../../../test/support/virtual-time.js';

const NUMBER = '106540352242922';
const ALICE = '16505551234';
const BOB = '16505550123';

type Sent = { to: string; at: number };

/** Records sends; `refuseNext` makes the next send fail with the error Graph's answer maps to. */
function recordingGraph(sent: Sent[], now: () => number) {
  const refusals: Error[] = [];
  const graph: Pick<GraphClient, 'sendMessage' | 'markRead'> = {
    async sendMessage(body) {
      const refusal = refusals.shift();
      if (refusal) throw refusal;
      sent.push({ to: (body.to ?? body.recipient)!, at: now() });
      return { wamid: `wamid.${sent.length}`, waId: body.to };
    },
    async markRead() {
      sent.push({ to: 'read', at: now() });
    },
  };
  const refuseNext = (code: number, retryAfterSeconds?: number) => {
    const headers = new Headers(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) });
    const body = { error: { message: 'Rate limit hit', type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: 'throttled' }, fbtrace_id: 'AbCdEf' } };
    refusals.push(mapGraphError('send', 400, body, headers));
  };
  return { graph: graph as GraphClient, refuseNext };
}

function sender() {
  const v = virtualTime();
  const sent: Sent[] = [];
  const { graph, refuseNext } = recordingGraph(sent, v.now);
  const s = createCloudSender(graph, {
    phoneNumberId: NUMBER,
    pairPacer: createPacer({ perSecond: PAIR_MESSAGES_PER_SECOND, burst: PAIR_BURST, ...v }),
    pacer: createPacer({ perSecond: 80, burst: 80, ...v }),
  });
  return { s, v, sent, refuseNext };
}

describe('cloud sender pacing', () => {
  it('spreads a storm to one person at the pair rate after the burst, without slowing others', async () => {
    const { s, v, sent } = sender();
    for (let i = 0; i < PAIR_BURST + 2; i++) await s.sendText(ALICE, `m${i}`);
    const before = v.now();
    await s.sendText(BOB, 'someone else');
    const toOne = sent.filter((x) => x.to === ALICE).map((x) => x.at);
    expect(toOne.slice(0, PAIR_BURST).every((at) => at === 0)).toBe(true);
    expect(toOne[PAIR_BURST]).toBe(6_000);
    expect(toOne[PAIR_BURST + 1]).toBe(12_000);
    // The other contact is not held behind the first one's pair limit.
    const other = sent.find((x) => x.to === BOB)!;
    expect(other.at).toBe(before);
  });
});

describe('cloud sender rate-limit answers', () => {
  it('holds the whole business number for the Retry-After of a 130429, for every recipient', async () => {
    const { s, v, sent, refuseNext } = sender();
    refuseNext(130429, 7);
    await expect(s.sendText(ALICE, 'first')).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: 7_000 });
    await s.sendText(BOB, 'another person');
    await s.markRead('wamid.in-1');
    expect(sent).toEqual([
      { to: BOB, at: 7_000 },
      { to: 'read', at: 7_000 },
    ]);
    expect(v.now()).toBe(7_000);
  });

  it('holds the number for a default time when a throttling answer names no wait', async () => {
    const { s, sent, refuseNext } = sender();
    refuseNext(80007);
    await expect(s.sendText(ALICE, 'first')).rejects.toMatchObject({ code: 'rate_limited' });
    await s.sendText(BOB, 'another person');
    expect(sent).toEqual([{ to: BOB, at: NUMBER_PAUSE_DEFAULT_MS }]);
  });

  it('holds only that recipient on a 131056 pair limit', async () => {
    const { s, sent, refuseNext } = sender();
    refuseNext(131056);
    await expect(s.sendText(ALICE, 'first')).rejects.toMatchObject({ code: 'rate_limited_pair', retryAfterMs: PAIR_RATE_DEFAULT_MS });
    await s.sendText(BOB, 'not held');
    await s.sendText(ALICE, 'after the pause');
    expect(sent).toEqual([
      { to: BOB, at: 0 },
      { to: ALICE, at: PAIR_RATE_DEFAULT_MS },
    ]);
  });
});

describe('addressTo', () => {
  it('addresses a BSUID (or parent BSUID) through recipient and a number through to', () => {
    expect(addressTo('US.13491208655302741918')).toEqual({ recipient: 'US.13491208655302741918' });
    expect(addressTo('US.ENT.11815799212886844830')).toEqual({ recipient: 'US.ENT.11815799212886844830' });
    expect(addressTo('16505551234')).toEqual({ to: '16505551234' });
  });
});
