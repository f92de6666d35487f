import type { Collection, Db } from 'mongodb';
import type { ConversationStartStore, SavedReply, SavedReplyFile, SavedReplyStore } from '../../core/store/agent-start.js';
import { isDuplicateKey, PREFIX } from './collections.js';

/**
 * Saved replies and conversation starts (issue 12), each in its own collection. The key is `_id`
 * (the reply's name, the conversation's chat id): its index is unique and exists from the
 * collection's first write, so no other index is needed and every write is one atomic
 * single-document operation on it.
 */
interface SavedReplyDoc {
  _id: string;
  text: string;
  fileUrl: string | null;
  file?: SavedReplyFile | null;
  updatedBy: string;
  updatedAt: number;
}

interface ConversationStartDoc {
  _id: string;
  userId: string;
  at: number;
}

const toReply = (d: SavedReplyDoc): SavedReply => ({
  name: d._id,
  text: d.text,
  ...(d.fileUrl ? { fileUrl: d.fileUrl } : {}),
  ...(d.file ? { file: d.file } : {}),
  updatedBy: d.updatedBy,
  updatedAt: d.updatedAt,
});

function mongoSavedReplies(replies: Collection<SavedReplyDoc>): SavedReplyStore {
  return {
    async list() {
      // _id order is the binary (ASCII) order of the names.
      return (await replies.find({}).sort({ _id: 1 }).toArray()).map(toReply);
    },
    async get(name) {
      const doc = await replies.findOne({ _id: name });
      return doc ? toReply(doc) : undefined;
    },
    async save(reply) {
      const doc = { text: reply.text, fileUrl: reply.fileUrl ?? null, file: reply.file ?? null, updatedBy: reply.updatedBy, updatedAt: reply.updatedAt };
      // One replacing upsert on _id; two first saves of a name at once: the server retries the loser's insert as an update.
      await replies.replaceOne({ _id: reply.name }, doc, { upsert: true });
    },
    async delete(name) {
      await replies.deleteOne({ _id: name });
    },
  };
}

function mongoConversationStarts(starts: Collection<ConversationStartDoc>): ConversationStartStore {
  return {
    async record(chatId, start) {
      try {
        // Written only by the insert: a later start of the same conversation changes nothing.
        await starts.updateOne({ _id: chatId }, { $setOnInsert: { userId: start.userId, at: start.at } }, { upsert: true });
      } catch (err) {
        // A concurrent first start won the insert: that one counts.
        if (!isDuplicateKey(err)) throw err;
      }
    },
    async get(chatId) {
      const doc = await starts.findOne({ _id: chatId });
      return doc ? { userId: doc.userId, at: doc.at } : undefined;
    },
  };
}

export function createMongoAgentStart(db: Db): { savedReplies: SavedReplyStore; conversationStarts: ConversationStartStore } {
  return {
    savedReplies: mongoSavedReplies(db.collection<SavedReplyDoc>(`${PREFIX}saved_replies`)),
    conversationStarts: mongoConversationStarts(db.collection<ConversationStartDoc>(`${PREFIX}conversation_starts`)),
  };
}
