import type { Generated, Kysely, Selectable } from 'kysely';
import type { ActionRecord, CardAction, ConversationState, ConversationStatus, JiraAssignment } from '../core/conversation-states.js';
import type { ConversationStates } from '../core/store/conversation-states.js';
import { columnsOf } from './columns.js';
import type { Database } from './schema.js';

/** Migration 10's tables, kept beside the only code that reads them (schema.ts stays as the other stores' branches left it). */
type ConversationStatesTable = {
  chat_id: string;
  status: string;
  owner_user_id: string | null;
  owner_name: string | null;
  owner_jira: string | null;
  deleted_request: string | null;
  /** Migration 12. */
  card_message_ts: Generated<string | null>;
  updated_at: number;
};

type AgentActionsTable = {
  id: Generated<number>;
  interaction_key: string;
  chat_id: string;
  action: string;
  user_id: string;
  at: number;
  applied: number;
};

const STATE_COLUMNS = columnsOf<ConversationStatesTable>({ chat_id: true, status: true, owner_user_id: true, owner_name: true, owner_jira: true, deleted_request: true, card_message_ts: true, updated_at: true });
const ACTION_COLUMNS = columnsOf<AgentActionsTable>({ id: true, interaction_key: true, chat_id: true, action: true, user_id: true, at: true, applied: true });

type Tables = {
  conversation_states: ConversationStatesTable;
  agent_actions: AgentActionsTable;
};

function toAction(r: Selectable<AgentActionsTable>): ActionRecord {
  return { key: r.interaction_key, chatId: r.chat_id, action: r.action as CardAction, userId: r.user_id, at: Number(r.at), applied: Boolean(r.applied) };
}

/** Store.conversationStates in SQL (SQLite and PostgreSQL alike). */
export function createSqlConversationStates(handle: Kysely<Database>): ConversationStates {
  const db = handle.withTables<Tables>() as unknown as Kysely<Tables>;
  return {
    async get(chatId) {
      const r = await db.selectFrom('conversation_states').select(STATE_COLUMNS).where('chat_id', '=', chatId).executeTakeFirst();
      if (!r) return undefined;
      const state: ConversationState = { chatId: r.chat_id, status: r.status as ConversationStatus, updatedAt: Number(r.updated_at) };
      if (r.owner_user_id) state.owner = { userId: r.owner_user_id, name: r.owner_name ?? r.owner_user_id, ...(r.owner_jira ? { jira: r.owner_jira as JiraAssignment } : {}) };
      if (r.deleted_request) state.deletedRequest = r.deleted_request;
      if (r.card_message_ts) state.cardMessageTs = r.card_message_ts;
      return state;
    },
    async save(s) {
      const fields = {
        status: s.status,
        owner_user_id: s.owner?.userId ?? null,
        owner_name: s.owner?.name ?? null,
        owner_jira: s.owner?.jira ?? null,
        deleted_request: s.deletedRequest ?? null,
        updated_at: s.updatedAt,
      };
      await db
        .insertInto('conversation_states')
        .values({ chat_id: s.chatId, ...fields })
        .onConflict((oc) => oc.column('chat_id').doUpdateSet(fields))
        .execute();
    },
    async setCardMessage(chatId, ts) {
      await db
        .insertInto('conversation_states')
        .values({ chat_id: chatId, status: 'open', updated_at: Date.now(), card_message_ts: ts })
        .onConflict((oc) => oc.column('chat_id').doUpdateSet({ card_message_ts: ts }))
        .execute();
    },
    async record(a) {
      const r = await db
        .insertInto('agent_actions')
        .values({ interaction_key: a.key, chat_id: a.chatId, action: a.action, user_id: a.userId, at: a.at, applied: a.applied ? 1 : 0 })
        .onConflict((oc) => oc.column('interaction_key').doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) > 0) return { record: a, first: true };
      const kept = await db.selectFrom('agent_actions').select(ACTION_COLUMNS).where('interaction_key', '=', a.key).executeTakeFirstOrThrow();
      return { record: toAction(kept), first: false };
    },
    async actions(chatId) {
      const rows = await db.selectFrom('agent_actions').select(ACTION_COLUMNS).where('chat_id', '=', chatId).orderBy('id').execute();
      return rows.map(toAction);
    },
  };
}
