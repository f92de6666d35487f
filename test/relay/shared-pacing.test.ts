import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { postgresFixture } from '../support/stores.js';
import { textWebhook } from '../support/webhooks.js';

const RATE = 5;
const BURST = 2;
/**
 * The fake tolerates one more post back to back than the bridge is set to. Slack counts requests as
 * they arrive and the bucket counts them as it grants them; with both at exactly the same burst, a
 * request that reaches Slack a few ms sooner after its grant than an earlier one did meets a 429
 * (seen here: the first post of a process is the slowest; with the machine loaded by other test
 * files, more than 200 ms). Two tokens of headroom absorb up to two intervals (400 ms) of that jitter
 * and leave the sustained rate exactly at the limit: two instances pacing each on its own post 36
 * messages at twice the rate and overrun that headroom within a second.
 */
const FAKE_BURST = BURST + 2;
const CONTACTS = 6;
const PER_CONTACT = 5;

const numberOf = (c: number) => `165055520${String(c).padStart(2, '0')}`;
const textOf = (c: number, i: number) => `contact ${c}, message ${i}`;

describe('two instances on one PostgreSQL database', () => {
  let a: Harness | undefined;
  let b: Harness | undefined;
  afterEach(async () => {
    // The second instance first: the first one drops the shared database.
    await b?.close();
    await a?.close();
    a = b = undefined;
  });

  it('keep one channel within Slack’s rate together: no 429, each contact’s messages in their thread in order, once', async () => {
    // The bridge is set to the fake's rate: each instance alone would post at it, two at twice it.
    const env = { SLACK_POSTS_PER_SECOND: String(RATE), SLACK_POST_BURST: String(BURST) };
    a = await startHarness({ store: postgresFixture, env, slack: { rateLimit: { perChannelPerSecond: RATE, burst: FAKE_BURST } } });
    b = await startHarness({ shareWith: a, env });
    const [first, second] = [a, b];

    // Contacts write at once; each one's messages alternate between the instances, one after the other.
    await Promise.all(
      Array.from({ length: CONTACTS }, async (_, c) => {
        for (let i = 0; i < PER_CONTACT; i++) {
          const via = (c + i) % 2 === 0 ? first : second;
          const res = await via.webhook(textWebhook(`wamid.shared-${c}-${i}`, textOf(c, i), { from: numberOf(c), name: `Contact ${c}`, timestamp: 1_749_416_383 + i }));
          expect(res.status).toBe(200);
        }
      }),
    );
    await first.drain(60_000);

    const posts = first.slack.calls('chat.postMessage');
    expect(posts.filter((call) => call.httpStatus === 429)).toEqual([]);
    expect(first.slack.requestsDuringRetryAfter('chat.postMessage')).toBe(0);
    expect(posts).toHaveLength(CONTACTS * (PER_CONTACT + 1));

    const cards = first.slack.topLevel(CHANNEL);
    expect(cards).toHaveLength(CONTACTS);
    for (let c = 0; c < CONTACTS; c++) {
      const card = cards.find((m) => m.text?.includes(`Contact ${c}`));
      expect(card, `card of contact ${c}`).toBeDefined();
      const thread = first.slack.threadReplies(CHANNEL, card!.ts).map((m) => m.text);
      expect(thread).toEqual(Array.from({ length: PER_CONTACT }, (_, i) => textOf(c, i)));
    }
  });
});
