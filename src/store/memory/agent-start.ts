import type { ConversationStartStore, SavedReply, SavedReplyStore } from '../../core/store/agent-start.js';

/** Saved replies on a Map by name, handed out as copies (as a database would). */
function createMemorySavedReplies(): SavedReplyStore {
  const rows = new Map<string, SavedReply>();
  return {
    async list() {
      return [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((r) => structuredClone(r));
    },
    async get(name) {
      const r = rows.get(name);
      return r ? structuredClone(r) : undefined;
    },
    async save(reply) {
      const { fileUrl, file, ...rest } = structuredClone(reply);
      rows.set(reply.name, { ...rest, ...(fileUrl ? { fileUrl } : {}), ...(file ? { file } : {}) });
    },
    async delete(name) {
      rows.delete(name);
    },
  };
}

/** Conversation starts on a Map by chat id; the first one stays. */
function createMemoryConversationStarts(): ConversationStartStore {
  const rows = new Map<string, { userId: string; at: number }>();
  return {
    async record(chatId, start) {
      if (!rows.has(chatId)) rows.set(chatId, { userId: start.userId, at: start.at });
    },
    async get(chatId) {
      const r = rows.get(chatId);
      return r ? { ...r } : undefined;
    },
  };
}

/** Both, as a memory database holds them (shared by the stores that act as instances on it). */
export function createMemoryAgentStart(): { savedReplies: SavedReplyStore; conversationStarts: ConversationStartStore } {
  return { savedReplies: createMemorySavedReplies(), conversationStarts: createMemoryConversationStarts() };
}
