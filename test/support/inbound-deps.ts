import type { InboundDeps } from '../../src/core/relay/inbound.js';
import { createLogger } from '../../src/logger.js';
import { createPacer } from '../../src/pacer.js';
import { createSlackChatSurface, type SlackChatSurface } from '../../src/slack/chat-surface.js';
import { emojiToSlackName } from '../../src/slack/emoji.js';
import type { Store } from '../../src/core/store/store.js';
import type { FakeSlack } from '../fakes/slack.js';

/** The inbound relay's dependencies on a store (any: the in-memory one will do) and the real Slack adapter, pointed at a fake Slack. */
export function inboundDeps(slack: FakeSlack, store: Store, channel: string): InboundDeps & { chat: SlackChatSurface } {
  return {
    channel,
    locale: 'en',
    mediaMaxBytes: 1_000_000,
    contacts: store.contacts,
    messages: store.messages,
    effects: store.effects,
    chat: createSlackChatSurface({ token: slack.token, apiUrl: slack.url, pacer: createPacer({ perSecond: 1000, burst: 1000 }), logger: createLogger('silent') }),
    media: { download: () => Promise.reject(new Error('no media in these tests')) },
    reactionName: emojiToSlackName,
  };
}
