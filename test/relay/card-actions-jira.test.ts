import { afterEach, describe, expect, it } from 'vitest';
import type { FakeJira } from '../fakes/jira.js';
import { DEFAULT_SCOPES } from '../fakes/slack.js';
import { CHANNEL, fakeJiraSite, startHarness, type Harness } from '../support/harness.js';
import { says, settle } from '../support/jira-chat.js';
import { eventCallback, threadReply } from '../support/slack-events.js';
import { ANA, auditOf, BRUNO, chatIdOf, cardBlocks, cardButtons, cardOf, press, threadTexts } from '../support/card-actions.js';

/** The card's buttons with Jira Service Management: the request follows, and the card shows what Jira says. */
describe('card actions with Jira', () => {
  let h: Harness;
  let jira: FakeJira;
  afterEach(async () => {
    await h?.close();
    await jira?.close();
  });

  async function conversationWithRequest(env: Record<string, string> = {}, scopes?: readonly string[]) {
    jira = await fakeJiraSite();
    h = await startHarness({ jira, env, slack: { users: [ANA, BRUNO], ...(scopes ? { scopes } : {}) } });
    await h.webhook(says('The monitor in room 12 is off'));
    await settle(h);
    const [request] = [...jira.requests.values()];
    return { request: request!, card: cardOf(h).ts };
  }

  it('claim assigns the request to the Jira user with the agent’s e-mail, and the card shows the owner', async () => {
    const { request, card } = await conversationWithRequest();
    const anaInJira = jira.addAgent(ANA.email, 'Ana Souza');
    await press(h, card, 'claim');
    await settle(h);
    expect(request.assignee).toBe(anaInJira);
    expect(cardBlocks(h)).toContain('Ana Souza (assigned in Jira)');
    expect(threadTexts(h)).toContain(`:bust_in_silhouette: ${request.key} is assigned to Ana Souza in Jira.`);
    expect(jira.calls.filter((c) => c.op === 'userSearch').map((c) => c.query.query)).toEqual([ANA.email]);

    await press(h, card, 'release');
    await settle(h);
    expect(request.assignee).toBeNull();
    expect(cardBlocks(h)).toContain('Nobody yet');
  });

  it('says on the card when no Jira user has the agent’s e-mail', async () => {
    const { request, card } = await conversationWithRequest();
    jira.addAgent(ANA.email, 'Ana Souza');
    await press(h, card, 'claim', { user: BRUNO.id });
    await settle(h);
    expect(request.assignee).toBeNull();
    expect(cardBlocks(h)).toContain('No Jira user has Bruno Lima’s e-mail');
    expect(threadTexts(h).some((t) => t.includes(`${request.key}: no Jira user has Bruno Lima’s e-mail`))).toBe(true);
    expect(jira.calls.filter((c) => c.op === 'assignIssue')).toHaveLength(0);
  });

  it('says on the card when Slack does not tell the agent’s e-mail (no users:read.email)', async () => {
    const { request, card } = await conversationWithRequest({}, DEFAULT_SCOPES.filter((s) => s !== 'users:read.email'));
    jira.addAgent(ANA.email, 'Ana Souza');
    await press(h, card, 'claim');
    await settle(h);
    expect(request.assignee).toBeNull();
    expect(cardBlocks(h)).toContain('Slack did not tell this agent’s e-mail (scope users:read.email)');
    expect(jira.calls.filter((c) => c.op === 'userSearch')).toHaveLength(0);
  });

  it('tells the same story in Slack and Jira: waiting, resolve (double click: one transition), reopen', async () => {
    const { request, card } = await conversationWithRequest();
    await press(h, card, 'waiting');
    await settle(h);
    expect(request.status).toBe('Waiting for customer');
    expect(cardBlocks(h)).toContain('Waiting for customer');

    await press(h, card, 'resolve');
    await press(h, card, 'resolve');
    await settle(h);
    expect(request.transitionsDone.map((t) => t.to)).toEqual(['Waiting for customer', 'Resolved']);
    expect(request.status).toBe('Resolved');
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_reopen']);
    expect(threadTexts(h).filter((t) => t.includes(`Request ${request.key} is resolved`))).toHaveLength(1);
    // A Jira job for a press that got past the card (a re-run, a race) reads Jira first: no second transition.
    await h.app.jiraQueue.action({ chatId: await chatIdOf(h), key: 'replayed-press', action: 'resolve', userId: ANA.id, name: 'Ana Souza' });
    await settle(h);
    expect(request.transitionsDone).toHaveLength(2);

    await press(h, card, 'reopen');
    await settle(h);
    expect(request.transitionsDone.map((t) => t.name)).toEqual(['Respond to customer', 'Resolve this issue', 'Reopen issue']);
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_waiting', 'switchboard_resolve']);
    expect(threadTexts(h).some((t) => t.includes(`Request ${request.key} was reopened in Jira`))).toBe(true);

    // The conversation continues in the reopened request: no second one, the message goes to it.
    await h.webhook(says('It is off again'));
    await settle(h);
    expect(jira.requests.size).toBe(1);
    expect(request.comments.map((c) => c.body).join('\n')).toContain('It is off again');
    expect((await auditOf(h)).map((a) => [a.action, a.applied])).toEqual([
      ['waiting', true],
      ['resolve', true],
      ['resolve', false],
      ['reopen', true],
    ]);
  });

  it('assigns the next request of a claimed conversation to its owner too', async () => {
    const { request, card } = await conversationWithRequest();
    const anaInJira = jira.addAgent(ANA.email, 'Ana Souza');
    await press(h, card, 'claim');
    await press(h, card, 'resolve');
    await settle(h);
    expect(request.status).toBe('Resolved');
    await h.webhook(says('A new problem: the scanner'));
    await settle(h);
    const next = [...jira.requests.values()].find((r) => r.key !== request.key);
    expect(next?.assignee).toBe(anaInJira);
    expect(cardBlocks(h)).toContain('Ana Souza (assigned in Jira)');
    expect(cardBlocks(h)).toContain(next!.key);
  });

  it('resolves with a closing message instead of JIRA_RESOLVED_MESSAGE', async () => {
    const { request, card } = await conversationWithRequest({ JIRA_RESOLVED_MESSAGE: 'Your request was resolved.' });
    const text = 'resolve: Replaced the cable, all good now.';
    const reply = h.slack.addUserMessage({ channel: CHANNEL, user: ANA.id, text, thread_ts: card });
    await h.slackEvent(eventCallback(threadReply(CHANNEL, card, text, { ts: reply.ts })));
    await settle(h);
    expect(request.status).toBe('Resolved');
    const bodies = h.graph.sent.map((s) => (s.text as { body: string } | undefined)?.body);
    expect(bodies).toEqual(['*Ana Souza:*\nReplaced the cable, all good now.']);
  });

  it('says so when Jira offers no matching transition, and the card keeps Jira’s status', async () => {
    const { request, card } = await conversationWithRequest();
    jira.disableTransition('31');
    await press(h, card, 'resolve');
    await settle(h);
    expect(request.status).toBe('Waiting for support');
    expect(request.transitionsDone).toEqual([]);
    expect(threadTexts(h).some((t) => t.includes('Jira offers no “Resolve” transition from Waiting for support') && t.includes('JIRA_TRANSITION_RESOLVE'))).toBe(true);
    expect(cardButtons(h)).toEqual(['switchboard_claim', 'switchboard_waiting', 'switchboard_resolve']);
  });
});
