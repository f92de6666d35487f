import { resolveConversation } from '../conversation-identity.js';
import { routeIdentities, scopedChatId } from '../routes.js';
import type { Store } from '../store/store.js';
import type { AgentStartStore } from './ports.js';

/** The feature's narrow port on the Store: its own two members, and the identities the intake uses. */
export function createAgentStartStore(store: Pick<Store, 'savedReplies' | 'conversationStarts' | 'identities'>, now: () => number = Date.now): AgentStartStore {
  return {
    savedReplies: () => store.savedReplies.list(),
    savedReply: (name) => store.savedReplies.get(name),
    saveReply: (reply) => store.savedReplies.save(reply),
    deleteReply: (name) => store.savedReplies.delete(name),
    async conversationFor(phoneDigits, route) {
      // The intake's own resolution (idempotent upserts, no transaction needed): the number joins the person's conversation on that route.
      const resolved = await resolveConversation(routeIdentities(store.identities, route), { phone: phoneDigits }, now(), route);
      return resolved?.chatId ?? scopedChatId(route, phoneDigits);
    },
    recordStarter: (chatId, userId, at) => store.conversationStarts.record(chatId, { userId, at }),
    starter: (chatId) => store.conversationStarts.get(chatId),
  };
}
