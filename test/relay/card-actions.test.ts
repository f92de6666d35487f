import { afterEach, describe, expect, it } from 'vitest';
import { createFakeSocketMode, type FakeSocketMode } from '../fakes/slack-socket.js';
import { CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { says } from '../support/jira-chat.js';
import { eventCallback, threadReply } from '../support/slack-events.js';
import { ANA, auditOf, BRUNO, cardBlocks, cardButtons, cardClickPayload, cardOf, press, threadTexts } from '../support/card-actions.js';
import { until } from '../support/until.js';

/** The bridge's own conversation states: no Jira configured. */
describe('card actions without Jira', () => {
  let h: Harness;
  let socket: FakeSocketMode | undefined;
  afterEach(async () => {
    await h?.close();
    await socket?.close();
    socket = undefined;
  });

  it('claims, waits, resolves and reopens from the card, which shows the owner and status in place', async () => {
    h = await startHarness({ slack: { users: [ANA, BRUNO] } });
    await h.webhook(says('My infusion pump shows error 41'));
    await h.drain();
    const card = cardOf(h);
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_waiting', 'switchboard_resolve']);

    await press(h, card.ts, 'claim');
    await h.drain();
    expect(cardBlocks(h)).toContain('Ana Souza');
    expect(cardButtons(h)).toEqual(['switchboard_release', 'switchboard_waiting', 'switchboard_resolve']);
    expect(threadTexts(h)).toContain(':raising_hand: Ana Souza took this conversation.');

    await press(h, card.ts, 'waiting', { user: BRUNO.id });
    await h.drain();
    expect(cardBlocks(h)).toContain('Waiting for customer');
    expect(cardButtons(h)).toEqual(['switchboard_release', 'switchboard_resolve', 'switchboard_reopen']);

    await press(h, card.ts, 'resolve');
    await h.drain();
    expect(cardBlocks(h)).toContain('Resolved');
    expect(cardButtons(h)).toEqual(['switchboard_release', 'switchboard_reopen']);

    await press(h, card.ts, 'reopen');
    await h.drain();
    expect(cardButtons(h)).toEqual(['switchboard_release', 'switchboard_waiting', 'switchboard_resolve']);
    await press(h, card.ts, 'release');
    await h.drain();
    expect(cardBlocks(h)).toContain('Nobody yet');

    // The card is edited in place: still one top-level message; the thread tells the story in order.
    expect(h.slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(threadTexts(h).filter((t) => /took|set this|resolved this|reopened this|released/.test(t))).toEqual([
      ':raising_hand: Ana Souza took this conversation.',
      ':hourglass_flowing_sand: Bruno Lima set this conversation to waiting for the customer.',
      ':white_check_mark: Ana Souza resolved this conversation.',
      ':leftwards_arrow_with_hook: Ana Souza reopened this conversation.',
      ':wave: Ana Souza released this conversation.',
    ]);
    const audit = await auditOf(h);
    expect(audit.map((a) => [a.action, a.userId, a.applied])).toEqual([
      ['claim', ANA.id, true],
      ['waiting', BRUNO.id, true],
      ['resolve', ANA.id, true],
      ['reopen', ANA.id, true],
      ['release', ANA.id, true],
    ]);
    expect(audit.every((a) => a.at > 0)).toBe(true);
  });

  it('is idempotent: a Slack retry is one action, a double click changes the state once', async () => {
    h = await startHarness({ slack: { users: [ANA] } });
    await h.webhook(says('hello'));
    await h.drain();
    const card = cardOf(h);
    // Slack delivers the same click again (same action_ts) with X-Slack-Retry-Num.
    await press(h, card.ts, 'claim', { actionTs: '1700000000.000001' });
    await press(h, card.ts, 'claim', { actionTs: '1700000000.000001', retryNum: 1 });
    // A double click: two clicks, two action_ts.
    await press(h, card.ts, 'resolve');
    await press(h, card.ts, 'resolve');
    await h.drain();
    expect(threadTexts(h).filter((t) => t.includes('took this conversation'))).toHaveLength(1);
    expect(threadTexts(h).filter((t) => t.includes('resolved this conversation'))).toHaveLength(1);
    expect((await auditOf(h)).map((a) => [a.action, a.applied])).toEqual([
      ['claim', true],
      ['resolve', true],
      ['resolve', false],
    ]);
  });

  it('opens a resolved conversation again when the contact writes', async () => {
    h = await startHarness({ slack: { users: [ANA] } });
    await h.webhook(says('hello'));
    await h.drain();
    await press(h, cardOf(h).ts, 'resolve');
    await h.drain();
    expect(cardButtons(h)).toContain('switchboard_reopen');
    await h.webhook(says('one more question'));
    await h.drain();
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_waiting', 'switchboard_resolve']);
  });

  it('resolves with a closing message: a reply starting with resolve: goes to the contact, then resolves', async () => {
    h = await startHarness({ slack: { users: [ANA] } });
    await h.webhook(says('is it fixed?'));
    await h.drain();
    const card = cardOf(h).ts;
    const text = 'resolve: It is fixed, thank you for waiting!';
    const reply = h.slack.addUserMessage({ channel: CHANNEL, user: ANA.id, text, thread_ts: card });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card, text, { ts: reply.ts })));
    await h.drain();
    const bodies = h.graph.sent.map((s) => (s.text as { body: string } | undefined)?.body);
    expect(bodies).toEqual(['*Ana Souza:*\nIt is fixed, thank you for waiting!']);
    expect(cardBlocks(h)).toContain('Resolved');
    expect((await auditOf(h)).map((a) => a.action)).toEqual(['resolve']);
  });

  it('takes the same click over Socket Mode', async () => {
    socket = await createFakeSocketMode({ appId: 'A0FAKEAPP1' });
    const appToken = 'xapp-1-A0FAKEAPP1-1-0123456789abcdef';
    h = await startHarness({ env: { SLACK_APP_TOKEN: appToken }, slack: { users: [ANA], appToken, socketModeUrl: socket.issueUrl } });
    await socket.waitForConnections(1);
    await h.webhook(says('hello over the socket'));
    await h.drain();
    const delivery = await socket.deliver({ type: 'interactive', payload: cardClickPayload({ cardTs: cardOf(h).ts, action: 'claim' }) });
    expect(delivery.acked).toBe(true);
    await until(async () => (await auditOf(h)).length === 1, 'the click over Socket Mode to be recorded');
    await h.drain();
    expect(cardBlocks(h)).toContain('Ana Souza');
    expect(cardButtons(h)[0]).toBe('switchboard_release');
  });
});
