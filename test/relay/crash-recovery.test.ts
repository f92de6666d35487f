import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { relayInbound, type InboundDeps, type InboundEnvelope } from '../../src/core/relay/inbound.js';
import type { Store } from '../../src/core/store/store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { createFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { inboundDeps } from '../support/inbound-deps.js';
import { crashingOnce } from '../support/crashing-effects.js';

const CHANNEL = 'C0123456789';

const envelope = (id: string, body: string): InboundEnvelope => ({
  message: { id, transport: 'cloud', chatId: '16505551234', businessNumber: '15550783881', sender: { waId: '16505551234' }, timestamp: Date.now(), content: { kind: 'text', body } },
  contact: { waId: '16505551234', name: 'Sheena Nelson', businessNumber: '15550783881' },
});

describe('a retried job after a crash between posting and recording', () => {
  let slack: FakeSlack;
  let store: Store;
  let deps: InboundDeps;

  beforeEach(async () => {
    slack = await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }], tsBase: Math.floor(Date.now() / 1000) - 60 });
    // The relay alone, on the in-memory store: no app, no database.
    store = createMemoryStore();
    deps = inboundDeps(slack, store, CHANNEL);
  });
  afterEach(async () => {
    await store.close();
    await slack.close();
  });

  it('finds the card it already posted instead of posting a second one', async () => {
    const since = Date.now();
    await expect(relayInbound(envelope('wamid.c1', 'hello'), { ...deps, effects: crashingOnce(deps.effects, /^card:/) })).rejects.toThrow('process killed');
    expect(slack.topLevel(CHANNEL)).toHaveLength(1);
    await relayInbound(envelope('wamid.c1', 'hello'), { ...deps, retrySince: since });
    expect(slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(slack.threadReplies(CHANNEL, slack.topLevel(CHANNEL)[0]!.ts).map((m) => m.text)).toEqual(['hello']);
  });

  it('finds the message it already posted in the thread', async () => {
    const since = Date.now();
    await expect(relayInbound(envelope('wamid.m1', 'only once'), { ...deps, effects: crashingOnce(deps.effects, /^post:/) })).rejects.toThrow('process killed');
    await relayInbound(envelope('wamid.m1', 'only once'), { ...deps, retrySince: since });
    const card = slack.topLevel(CHANNEL)[0]!;
    expect(slack.threadReplies(CHANNEL, card.ts).map((m) => m.text)).toEqual(['only once']);
    expect((await deps.messages.byWaId('wamid.m1'))?.slackTs).toBe(slack.threadReplies(CHANNEL, card.ts)[0]!.ts);
  });

  it('posts again when the earlier attempt never reached Slack', async () => {
    slack.failNext('chat.postMessage', { error: 'internal_error' });
    const since = Date.now();
    await expect(relayInbound(envelope('wamid.x', 'hi'), deps)).rejects.toThrow();
    await relayInbound(envelope('wamid.x', 'hi'), { ...deps, retrySince: since });
    expect(slack.topLevel(CHANNEL)).toHaveLength(1);
    expect(slack.threadReplies(CHANNEL, slack.topLevel(CHANNEL)[0]!.ts)).toHaveLength(1);
  });

  it('finds the file it already uploaded instead of uploading it again', async () => {
    const photo = Buffer.from('jpeg bytes');
    const withMedia = { ...deps, media: { download: async () => ({ mimeType: 'image/jpeg', size: photo.length, data: photo }) } };
    const image = (): InboundEnvelope => ({
      ...envelope('wamid.img', ''),
      message: { ...envelope('wamid.img', '').message, content: { kind: 'media', mediaKind: 'image', mediaId: '1003383421387256', mimeType: 'image/jpeg', caption: 'rash on the arm' } },
    });
    const since = Date.now();
    await expect(relayInbound(image(), { ...withMedia, effects: crashingOnce(deps.effects, /^upload:/) })).rejects.toThrow('process killed');
    await relayInbound(image(), { ...withMedia, retrySince: since });
    const uploads = slack.calls('files.completeUploadExternal');
    expect(uploads).toHaveLength(1);
    const card = slack.topLevel(CHANNEL)[0]!;
    expect(slack.threadReplies(CHANNEL, card.ts).filter((m) => m.files?.length)).toHaveLength(1);
    expect(slack.threadReplies(CHANNEL, card.ts).filter((m) => m.text?.includes('rash on the arm'))).toHaveLength(1);
  });
});
