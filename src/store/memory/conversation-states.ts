import type { ActionRecord, ConversationState } from '../../core/conversation-states.js';
import type { ConversationStates } from '../../core/store/conversation-states.js';

/** Store.conversationStates on Maps, with the SQL store's rules (one action per key, kept in arrival order). */
export function createMemoryConversationStates(): ConversationStates {
  const states = new Map<string, ConversationState>();
  const actions = new Map<string, ActionRecord>();
  return {
    async get(chatId) {
      const state = states.get(chatId);
      return state ? structuredClone(state) : undefined;
    },
    async save(state) {
      const { cardMessageTs: _ignored, ...rest } = structuredClone(state);
      const kept = states.get(state.chatId)?.cardMessageTs;
      states.set(state.chatId, kept ? { ...rest, cardMessageTs: kept } : rest);
    },
    async setCardMessage(chatId, ts) {
      states.set(chatId, { ...(states.get(chatId) ?? { chatId, status: 'open', updatedAt: Date.now() }), cardMessageTs: ts });
    },
    async record(action) {
      const kept = actions.get(action.key);
      if (kept) return { record: structuredClone(kept), first: false };
      actions.set(action.key, structuredClone(action));
      return { record: action, first: true };
    },
    async actions(chatId) {
      // A Map iterates in insertion order: the order the actions were first recorded.
      return [...actions.values()].filter((a) => a.chatId === chatId).map((a) => structuredClone(a));
    },
  };
}
