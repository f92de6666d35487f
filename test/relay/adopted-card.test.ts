import { afterEach, describe, expect, it } from 'vitest';
import { importUserThreads } from '../../src/migrate/user-threads.js';
import { BRUNO } from '../support/card-actions.js';
import { CHANNEL, type Harness } from '../support/harness.js';
import { buttonClick } from '../support/slack-events.js';
import { until } from '../support/until.js';
import { startWebHarness } from '../support/web-harness.js';
import { fixtureMessage } from '../whatsapp-web/support.js';

/** WhatsAppInSlack's own bot: it posted the thread parents Switchboard adopts. */
const OLD_APP = { user: 'U0WAISBOT1', bot_id: 'B0WAISAPP1' };

async function* docs(list: Array<{ userId: string; thread_ts: string }>) {
  yield* list;
}

/**
 * A thread adopted from WhatsAppInSlack: its parent is the other app's message, which Slack lets only
 * that app edit (chat.update answers cant_update_message). The card goes into the thread instead.
 */
describe('a card adopted from WhatsAppInSlack', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('gets this app’s own card in its thread, recorded and redrawn there, and nothing dead-letters', async () => {
    let sock;
    ({ h, sock } = await startWebHarness({ slack: { users: [BRUNO] } }));
    const parent = h.slack.addUserMessage({ channel: CHANNEL, ...OLD_APP, text: 'New conversation with 16505551234@c.us' });
    const report = await importUserThreads(docs([{ userId: '16505551234@c.us', thread_ts: parent.ts }]), { contacts: h.app.store.contacts, channel: CHANNEL });
    expect(report.imported).toBe(1);

    // The contact writes: the message lands in the old thread, and the card (their name is new) is drawn.
    await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation')] } });
    await until(async () => h!.slack.threadReplies(CHANNEL, parent.ts).length === 2, 'the message and the card in the old thread');
    await h.drain();
    const thread = () => h!.slack.threadReplies(CHANNEL, parent.ts);
    const cards = () => thread().filter((m) => JSON.stringify(m.blocks ?? []).includes('switchboard_claim') || JSON.stringify(m.blocks ?? []).includes('switchboard_release'));
    expect(thread().map((m) => m.text)).toContain('Hi, my order #4411 has not arrived yet');
    expect(cards()).toHaveLength(1);
    const card = cards()[0]!;
    expect(card.user).toBe(h.slack.state.botUserId);
    expect(JSON.stringify(card.blocks)).toContain('Ana Souza');
    // The other app's message is left as it was; the new card is recorded as the one to redraw.
    expect(h.slack.state.messages.find((m) => m.ts === parent.ts)).toMatchObject({ text: 'New conversation with 16505551234@c.us', edits: [] });
    expect(await h.app.store.conversationStates.get('16505551234')).toMatchObject({ cardMessageTs: card.ts });
    expect(h.slack.calls('chat.update').filter((c) => c.error === 'cant_update_message')).toHaveLength(1);

    // Its buttons work, and each redraw edits that card in place: no other card, no second refusal.
    const click = buttonClick({ channel: CHANNEL, messageTs: card.ts, threadTs: parent.ts, actionId: 'switchboard_claim', value: 'claim', user: BRUNO.id });
    expect((await h.slackEvent(undefined, { form: click })).status).toBe(200);
    await h.drain();
    expect((await h.app.store.conversationStates.actions('16505551234')).map((a) => [a.action, a.userId])).toEqual([['claim', BRUNO.id]]);
    expect(cards()).toHaveLength(1);
    const redrawn = h.slack.state.messages.find((m) => m.ts === card.ts)!;
    expect(redrawn.edits.length).toBeGreaterThan(0);
    expect(JSON.stringify(redrawn.blocks)).toContain('Bruno Lima');
    expect(h.slack.calls('chat.update').filter((c) => c.error === 'cant_update_message')).toHaveLength(1);
    expect(await h.app.outbox.recentDead(10)).toEqual([]);
  });
});
