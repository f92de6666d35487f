import { CLOUD_CAPABILITIES } from '../../src/whatsapp/capabilities.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WhatsAppSender } from '../../src/core/ports.js';
import { createNotices } from '../../src/core/relay/notices.js';
import { runStart, starterNotes, type StartDeps, type StartJob } from '../../src/core/start/send-started.js';
import { opaqueMarker } from '../../src/markers.js';
import { createAgentStartStore } from '../../src/core/start/agent-store.js';
import type { Store } from '../../src/core/store/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { createFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { inboundDeps } from '../support/inbound-deps.js';
import { crashingOnce } from '../support/crashing-effects.js';

const CHANNEL = 'C0123456789';

describe('a start job run again after a crash between posting and recording', () => {
  let slack: FakeSlack;
  let store: Store;
  let deps: StartDeps;
  const sent: string[] = [];

  beforeEach(async () => {
    slack = await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }], tsBase: Math.floor(Date.now() / 1000) - 60 });
    // The start job alone, on the in-memory store: no app, no database.
    store = createMemoryStore();
    const base = inboundDeps(slack, store, CHANNEL);
    const agentStart = createAgentStartStore(store);
    const sender = {
      capabilities: CLOUD_CAPABILITIES,
      async sendTemplate(to: string, name: string) {
        sent.push(`${to}:${name}`);
        return { id: `wamid.t${sent.length}` };
      },
    } as unknown as WhatsAppSender;
    deps = {
      locale: 'en',
      transport: 'cloud',
      channel: async () => CHANNEL,
      contacts: base.contacts,
      messages: base.messages,
      effects: base.effects,
      chat: base.chat,
      sender,
      notices: createNotices({ chat: base.chat, effects: base.effects, locale: 'en', marker: opaqueMarker, now: Date.now }),
      store: agentStart,
      cardView: { cardNotes: (chatId) => starterNotes(chatId, agentStart, 'en') },
      now: Date.now,
    };
    sent.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await slack.close();
  });

  const job: StartJob = { chatId: '16505551234', user: 'U0AGENT001', viewId: 'V0000000042', start: { phone: '16505551234', name: 'Sheena' }, template: { name: 'hello_world', language: 'en_US', params: [], body: 'Welcome!' } };

  it('finds the card it posted instead of posting a second one, and sends once', async () => {
    const since = Date.now();
    await expect(runStart(job, { ...deps, effects: crashingOnce(deps.effects, /^card:/) })).rejects.toThrow('process killed');
    expect(slack.topLevel(CHANNEL)).toHaveLength(1);
    await runStart(job, deps, since);
    expect(slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(sent).toEqual(['16505551234:hello_world']);
    const card = slack.topLevel(CHANNEL)[0]!;
    expect(JSON.stringify(card.blocks)).toContain('Conversation started from Slack by <@U0AGENT001>');
    expect(slack.threadReplies(CHANNEL, card.ts).map((m) => m.text)).toEqual([expect.stringContaining('started the conversation with the template hello_world')]);
    // And a third run (Slack repeating the job's effects) changes nothing.
    await runStart(job, deps, since);
    expect(sent).toHaveLength(1);
    expect(slack.threadReplies(CHANNEL, card.ts)).toHaveLength(1);
  });

  it('sends from no other number when the route it was queued for is gone: the job fails for good', async () => {
    await expect(runStart({ ...job, route: 'gone' }, { ...deps, route: 'sales' })).rejects.toMatchObject({ code: 'unknown_route', retryable: false });
    expect(sent).toEqual([]);
    expect(slack.topLevel(CHANNEL)).toEqual([]);
    // Its own route's deps run it; so do the implicit route's for a job that names `default`.
    await runStart({ ...job, route: 'default' }, deps);
    expect(sent).toEqual(['16505551234:hello_world']);
  });
});
