import { afterEach, describe, expect, it } from 'vitest';
import { createFakeMongo, type FakeMongo } from '../fakes/mongo.js';
import { CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { AGENT } from '../support/slack-events.js';
import { globalShortcut, modal, picked, slashCommand, typed, values, viewAction, viewSubmission } from '../support/slack-interactions.js';
import { mongoStoreFixture } from '../support/mongo.js';
import { WA_ID } from '../support/webhooks.js';

const DB = 'switchboard';
/** Meta's example WhatsApp Business Account id (webhook and template-management examples). */
const WABA = '102290129340398';
const users = [{ id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza' }];

describe('starting conversations and saved replies with DATABASE_URL=mongodb://… (the MongoDB fake)', () => {
  let fake: FakeMongo | undefined;
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0).reverse()) await h.close();
    await fake?.close();
    fake = undefined;
  });

  it('keeps who started a conversation and the saved replies in their own collections, across a restart', async () => {
    fake = await createFakeMongo();
    const h = await startHarness({
      store: mongoStoreFixture(fake, DB),
      env: { WHATSAPP_BUSINESS_ACCOUNT_ID: WABA },
      graph: { templates: [{ name: 'hello_world', language: 'en_US', body: 'Welcome and congratulations!!' }] },
      slack: { users },
    });
    harnesses.push(h);
    expect(h.app.store.kind).toBe('mongodb');

    await h.slackEvent(undefined, { form: slashCommand(h.slack, 'replies') });
    const saved = await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_replies'), values({ reply_name: typed('welcome'), reply_text: typed('Hi {name}') })) });
    expect(saved.status).toBe(200);

    await h.slackEvent(undefined, { form: globalShortcut(h.slack, 'switchboard_start') });
    await h.slackEvent(undefined, { form: viewAction(h.slack, modal(h.slack, 'switchboard_start'), { actionId: 'switchboard_pick_template', blockId: 'template', value: 'hello_world|en_US', select: true }) });
    const form = values({ phone: typed('+1 650 555 1234'), name: typed('Sheena'), template: picked('hello_world|en_US') }, { template: 'switchboard_pick_template' });
    expect((await h.slackEvent(undefined, { form: viewSubmission(h.slack, modal(h.slack, 'switchboard_start'), form) })).status).toBe(200);
    await h.drain();
    expect(h.graph.sent).toEqual([expect.objectContaining({ to: WA_ID, type: 'template' })]);
    expect(await h.app.outbox.recentDead(5)).toEqual([]);

    expect(fake.documents(DB, 'switchboard.saved_replies')).toEqual([expect.objectContaining({ _id: 'welcome', text: 'Hi {name}' })]);
    expect(fake.documents(DB, 'switchboard.conversation_starts')).toEqual([expect.objectContaining({ _id: WA_ID, userId: AGENT })]);

    // A new process on the same database reads both back.
    await h.app.stop();
    const again = await startHarness({ shareWith: h });
    harnesses.push(again);
    expect(await again.app.store.conversationStarts.get(WA_ID)).toEqual(expect.objectContaining({ userId: AGENT }));
    expect((await again.app.store.savedReplies.list()).map((r) => r.name)).toEqual(['welcome']);
    expect(JSON.stringify(h.slack.topLevel(CHANNEL)[0]!.blocks)).toContain(`<@${AGENT}>`);
  });
});
