import type { Db, IndexDescription } from 'mongodb';
import type { ActionRecord, CardAction, ConversationOwner, ConversationState, ConversationStatus } from '../../core/conversation-states.js';
import type { ConversationStates } from '../../core/store/conversation-states.js';
import { isDuplicateKey, nextId, PREFIX, type Collections } from './collections.js';

/** A conversation's state under its chat id: one document, so every save is one atomic write. */
interface ConversationStateDoc {
  _id: string;
  status: string;
  owner: ConversationOwner | null;
  deletedRequest: string | null;
  /** Written by setCardMessage alone. */
  cardMessageTs?: string;
  updatedAt: number;
}

/** One card action; `key` (the interaction) is unique, `_id` a sequence that keeps their order. */
interface AgentActionDoc {
  _id: number;
  key: string;
  chatId: string;
  action: string;
  userId: string;
  at: number;
  applied: boolean;
}

// Kept out of collections.ts: this feature's collections live beside the only code that reads them.
const stateCollection = (db: Db) => db.collection<ConversationStateDoc>(`${PREFIX}conversation_states`);
const actionCollection = (db: Db) => db.collection<AgentActionDoc>(`${PREFIX}agent_actions`);

const AGENT_ACTION_INDEXES: IndexDescription[] = [
  // One record per interaction, whatever Slack resends or however often a job runs.
  { key: { key: 1 }, name: 'interaction_key', unique: true },
  { key: { chatId: 1, _id: 1 }, name: 'chat_order' },
];

/** The indexes the card actions need (schema.ts's migration 10 runs it; idempotent). */
export async function createConversationStateIndexes(db: Db, build: <T>(run: () => Promise<T>) => Promise<T>): Promise<void> {
  await build(() => actionCollection(db).createIndexes(AGENT_ACTION_INDEXES));
}

const toAction = (d: AgentActionDoc): ActionRecord => ({ key: d.key, chatId: d.chatId, action: d.action as CardAction, userId: d.userId, at: d.at, applied: d.applied });

/** Store.conversationStates on MongoDB. */
export function createMongoConversationStates(cols: Collections): ConversationStates {
  const states = stateCollection(cols.db);
  const actions = actionCollection(cols.db);
  return {
    async get(chatId) {
      const d = await states.findOne({ _id: chatId });
      if (!d) return undefined;
      const state: ConversationState = { chatId, status: d.status as ConversationStatus, updatedAt: d.updatedAt };
      if (d.owner) state.owner = { userId: d.owner.userId, name: d.owner.name, ...(d.owner.jira ? { jira: d.owner.jira } : {}) };
      if (d.deletedRequest) state.deletedRequest = d.deletedRequest;
      if (d.cardMessageTs) state.cardMessageTs = d.cardMessageTs;
      return state;
    },
    async save(s) {
      const owner = s.owner ? { userId: s.owner.userId, name: s.owner.name, ...(s.owner.jira ? { jira: s.owner.jira } : {}) } : null;
      // $set, not a replacement: the card message (setCardMessage) stays.
      await states.updateOne({ _id: s.chatId }, { $set: { status: s.status, owner, deletedRequest: s.deletedRequest ?? null, updatedAt: s.updatedAt } }, { upsert: true });
    },
    async setCardMessage(chatId, ts) {
      await states.updateOne({ _id: chatId }, { $set: { cardMessageTs: ts }, $setOnInsert: { status: 'open', owner: null, deletedRequest: null, updatedAt: Date.now() } }, { upsert: true });
    },
    async record(a) {
      // The unique index decides, not a read before the insert: of two racing records of one
      // interaction exactly one is inserted (a repeat only spends a sequence number).
      try {
        await actions.insertOne({ _id: await nextId(cols, 'agent_actions'), key: a.key, chatId: a.chatId, action: a.action, userId: a.userId, at: a.at, applied: a.applied });
        return { record: a, first: true };
      } catch (err) {
        if (!isDuplicateKey(err, 'key')) throw err;
        const kept = await actions.findOne({ key: a.key });
        if (!kept) throw err;
        return { record: toAction(kept), first: false };
      }
    },
    async actions(chatId) {
      return (await actions.find({ chatId }).sort({ _id: 1 }).toArray()).map(toAction);
    },
  };
}
