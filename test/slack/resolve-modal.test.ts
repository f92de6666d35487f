/**
 * The card's Resolve asks for an optional closing message in a modal (issue 12, point 1): signed
 * block_actions → views.open on the fake Slack → signed view_submission → the message on the fake
 * Graph (signed, receipts on its line, the Jira comment) and the resolve (card, thread, Jira's
 * transition), each once whatever Slack resends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeJira } from '../fakes/jira.js';
import { CHANNEL, fakeJiraSite, startHarness, type Harness } from '../support/harness.js';
import { says, settle, until } from '../support/jira-chat.js';
import { ANA, auditOf, cardBlocks, cardButtons, cardClick, cardOf, press, RESOLVE_MODAL, threadTexts } from '../support/card-actions.js';
import { modal, typed, values, viewSubmission } from '../support/slack-interactions.js';
import { textWebhook, WA_ID } from '../support/webhooks.js';

const sentTexts = (h: Harness) => h.graph.sent.filter((m) => m.type === 'text').map((m) => (m.text as { body: string }).body);

/** Presses the card's Resolve (a signed block_actions with a trigger the fake accepts) and returns the modal it opened. */
async function pressResolve(h: Harness) {
  const before = h.slack.views('modal').length;
  const res = await h.slackEvent(null, { form: cardClick({ cardTs: cardOf(h).ts, action: 'resolve', triggerId: h.slack.issueTrigger() }) });
  expect(res.status).toBe(200);
  expect(h.slack.views('modal')).toHaveLength(before + 1);
  return modal(h.slack, RESOLVE_MODAL);
}

describe('Resolve from the card, with an optional closing message', () => {
  let h: Harness;
  let jira: FakeJira | undefined;
  afterEach(async () => {
    if (h) expect(await h.app.outbox.recentDead(10)).toEqual([]);
    await h?.close();
    await jira?.close();
    jira = undefined;
  });

  it('sends the closing message like a reply, then resolves once in Slack and Jira, whatever Slack resends', async () => {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, slack: { users: [ANA] }, env: { JIRA_RESOLVED_MESSAGE: 'Your request was resolved.' } });
    await h.webhook(says('The monitor in room 12 is off'));
    await settle(h);
    const [request] = [...jira.requests.values()];

    // The press opens the modal and changes nothing yet.
    const opened = await pressResolve(h);
    const input = JSON.stringify(opened.view.blocks);
    expect(input).toContain('"block_id":"closing"');
    expect(input).toContain('"multiline":true');
    expect(input).toContain('"optional":true');
    expect(input).toContain('Closing message to the contact');
    expect(input).toContain('leave it empty');
    await h.drain();
    expect(cardButtons(h)).toContain('switchboard_resolve');
    expect(await auditOf(h)).toEqual([]);

    const closing = 'Replaced the cable, all good now. Call us if it happens again & we come back.';
    const submission = viewSubmission(h.slack, opened, values({ closing: typed(closing) }));
    const first = await h.slackEvent(undefined, { form: submission });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('');
    // Slack's retry of the same submission, and the same submission again: nothing twice.
    expect((await h.slackEvent(undefined, { form: submission, retryNum: 1 })).status).toBe(200);
    expect((await h.slackEvent(undefined, { form: submission })).status).toBe(200);
    await settle(h);

    expect(sentTexts(h)).toEqual([`*Ana Souza:*\n${closing}`]);
    expect(h.graph.sent[0]).toMatchObject({ to: WA_ID });
    expect(request!.status).toBe('Resolved');
    expect(request!.transitionsDone.map((t) => t.to)).toEqual(['Resolved']);
    expect(cardBlocks(h)).toContain(`|${request!.key}> · Resolved`);
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_reopen']);
    expect(threadTexts(h).filter((t) => t.includes('resolved this conversation'))).toHaveLength(1);
    expect(threadTexts(h).filter((t) => t.includes(`Request ${request!.key} is resolved`))).toHaveLength(1);
    expect((await auditOf(h)).map((a) => [a.action, a.userId, a.applied])).toEqual([['resolve', ANA.id, true]]);

    // The thread shows what went out; its receipts land on that line, as on a typed reply.
    const line = h.slack.threadReplies(CHANNEL, cardOf(h).ts).find((m) => m.text?.includes('Ana Souza resolved with this closing message'))!;
    expect(line.text).toContain('Call us if it happens again &amp; we come back.');
    await h.webhook(h.graph.statusWebhook(h.graph.messages[0]!.wamid, 'delivered'));
    await h.drain();
    expect(h.slack.calls('reactions.add').filter((c) => c.params.timestamp === line.ts).map((c) => c.params.name)).toEqual(['white_check_mark']);

    // Jira gets the closing message once, as a public line like any reply's.
    await until('the closing message in the request', () => request!.comments.some((c) => c.public && c.body.includes('Replaced the cable')));
    await settle(h);
    expect(request!.comments.filter((c) => c.body.includes('Replaced the cable'))).toHaveLength(1);
  });

  it('does not ask for a closing message when a stale card’s Resolve is pressed on a resolved conversation: it redraws the card', async () => {
    h = await startHarness({ slack: { users: [ANA] } });
    await h.webhook(says('is it fixed?'));
    await h.drain();
    await press(h, cardOf(h).ts, 'resolve');
    await h.drain();
    const lines = threadTexts(h).length;
    const updates = h.slack.calls('chat.update').length;

    // A second window still showed the old card: its Resolve opens nothing and changes nothing.
    const modals = h.slack.views('modal').length;
    const form = cardClick({ cardTs: cardOf(h).ts, action: 'resolve', triggerId: h.slack.issueTrigger() });
    expect((await h.slackEvent(null, { form })).status).toBe(200);
    expect((await h.slackEvent(null, { form, retryNum: 1 })).status).toBe(200);
    await h.drain();
    expect(h.slack.views('modal')).toHaveLength(modals);
    expect(h.slack.calls('chat.update')).toHaveLength(updates + 1);
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_reopen']);
    expect(threadTexts(h)).toHaveLength(lines);
    expect(h.graph.sent).toEqual([]);
    expect((await auditOf(h)).map((a) => [a.action, a.applied])).toEqual([
      ['resolve', true],
      ['resolve', false],
    ]);
  });

  it('resolves without sending anything when the message is left empty', async () => {
    h = await startHarness({ slack: { users: [ANA] } });
    await h.webhook(says('is it fixed?'));
    await h.drain();
    const opened = await pressResolve(h);
    expect((await h.slackEvent(undefined, { form: viewSubmission(h.slack, opened, values({ closing: typed('   ') })) })).status).toBe(200);
    await h.drain();
    expect(h.graph.sent).toEqual([]);
    expect(cardBlocks(h)).toContain('Resolved');
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_reopen']);
    expect(threadTexts(h)).toContain(':white_check_mark: Ana Souza resolved this conversation.');
    expect(threadTexts(h).some((t) => t.includes('closing message'))).toBe(false);
  });

  it('says in the modal that no free text can go out when the 24-hour window is closed, and resolves without it', async () => {
    h = await startHarness({ slack: { users: [ANA] } });
    await h.webhook(textWebhook('wamid.resolve-old', 'Hello', { timestamp: Math.floor((Date.now() - 25 * 60 * 60_000) / 1000) }));
    await h.drain();
    const opened = await pressResolve(h);
    const blocks = JSON.stringify(opened.view.blocks);
    expect(blocks).toContain('more than 24 hours ago');
    expect(blocks).not.toContain('"block_id":"closing"');
    expect(opened.view.submit).toMatchObject({ text: 'Resolve' });
    expect((await h.slackEvent(undefined, { form: viewSubmission(h.slack, opened, {}) })).status).toBe(200);
    await h.drain();
    expect(h.graph.sent).toEqual([]);
    expect(cardBlocks(h)).toContain('Resolved');
    expect((await auditOf(h)).map((a) => [a.action, a.applied])).toEqual([['resolve', true]]);
  });

  it('tells the one who pressed, and only them, when Slack refuses to open the modal, and changes nothing', async () => {
    h = await startHarness({ slack: { users: [ANA] } });
    await h.webhook(textWebhook('wamid.refused-1', 'The printer is jammed'));
    await h.drain();
    // A trigger Slack never issued (as an expired one, it cannot open anything).
    const res = await h.slackEvent(null, { form: cardClick({ cardTs: cardOf(h).ts, action: 'resolve', user: ANA.id, triggerId: '1111.2222.00000000000000000000000000000000' }) });
    expect(res.status).toBe(200);
    await h.drain();
    expect(h.slack.views('modal')).toEqual([]);
    expect(h.slack.state.ephemerals).toEqual([expect.objectContaining({ channel: CHANNEL, user: ANA.id, text: expect.stringContaining('Slack did not open the window (invalid_trigger_id)') })]);
    expect(cardButtons(h)).toContain('switchboard_resolve');
    expect(await auditOf(h)).toEqual([]);
  });

  it('keeps the other buttons acting at once, without a modal', async () => {
    h = await startHarness({ slack: { users: [ANA] } });
    await h.webhook(says('hello'));
    await h.drain();
    await h.slackEvent(null, { form: cardClick({ cardTs: cardOf(h).ts, action: 'claim', triggerId: h.slack.issueTrigger() }) });
    await h.drain();
    expect(h.slack.views('modal')).toEqual([]);
    expect(cardButtons(h)[0]).toBe('switchboard_release');
  });
});
