import type { InboundDeps } from '../../src/core/relay/inbound.js';
import { createLogger } from '../../src/logger.js';
import { createPacer } from '../../src/pacer.js';
import { createSlackChatSurface, type SlackChatSurface } from '../../src/slack/chat-surface.js';
import { emojiToSlackName } from '../../src/slack/emoji.js';
import { createContactStore, createEffectLog, createMessageMap } from '../../src/store/repos.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import type { FakeSlack } from '../fakes/slack.js';

/** The inbound relay's dependencies on a real store and the real Slack adapter, pointed at a fake Slack. */
export function inboundDeps(slack: FakeSlack, store: SqlStore, channel: string): InboundDeps & { chat: SlackChatSurface } {
  return {
    channel,
    locale: 'en',
    mediaMaxBytes: 1_000_000,
    contacts: createContactStore(store.db),
    messages: createMessageMap(store.db),
    effects: createEffectLog(store.db),
    chat: createSlackChatSurface({ token: slack.token, apiUrl: slack.url, pacer: createPacer({ perSecond: 1000, burst: 1000 }), logger: createLogger('silent') }),
    media: { download: () => Promise.reject(new Error('no media in these tests')) },
    reactionName: emojiToSlackName,
  };
}
