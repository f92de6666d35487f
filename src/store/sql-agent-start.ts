import type { Kysely } from 'kysely';
import type { ConversationStartStore, SavedReply, SavedReplyStore } from '../core/store/agent-start.js';
import { CONVERSATION_START_COLUMNS, SAVED_REPLY_COLUMNS, type Database, type SavedRepliesTable } from './schema.js';

const toReply = (r: SavedRepliesTable): SavedReply => ({
  name: r.name,
  text: r.text,
  ...(r.file_url ? { fileUrl: r.file_url } : {}),
  ...(r.file_json ? { file: JSON.parse(r.file_json) as SavedReply['file'] } : {}),
  updatedBy: r.updated_by,
  updatedAt: Number(r.updated_at),
});

/** Saved replies on SQLite or PostgreSQL (migration 11): the name is the primary key, a save one upsert. */
export function createSqlSavedReplies(db: Kysely<Database>): SavedReplyStore {
  return {
    async list() {
      const rows = await db.selectFrom('saved_replies').select(SAVED_REPLY_COLUMNS).execute();
      // Sorted here, not by the database's collation (PostgreSQL's may not be ASCII order).
      return rows.map(toReply).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async get(name) {
      const row = await db.selectFrom('saved_replies').select(SAVED_REPLY_COLUMNS).where('name', '=', name).executeTakeFirst();
      return row ? toReply(row) : undefined;
    },
    async save(reply) {
      const fields = { text: reply.text, file_url: reply.fileUrl ?? null, file_json: reply.file ? JSON.stringify(reply.file) : null, updated_by: reply.updatedBy, updated_at: reply.updatedAt };
      await db
        .insertInto('saved_replies')
        .values({ name: reply.name, ...fields })
        .onConflict((oc) => oc.column('name').doUpdateSet(fields))
        .execute();
    },
    async delete(name) {
      await db.deleteFrom('saved_replies').where('name', '=', name).execute();
    },
  };
}

/** Who started a conversation (migration 11): the chat id is the primary key, so the first insert wins. */
export function createSqlConversationStarts(db: Kysely<Database>): ConversationStartStore {
  return {
    async record(chatId, start) {
      await db
        .insertInto('conversation_starts')
        .values({ chat_id: chatId, started_by: start.userId, started_at: start.at })
        .onConflict((oc) => oc.column('chat_id').doNothing())
        .execute();
    },
    async get(chatId) {
      const row = await db.selectFrom('conversation_starts').select(CONVERSATION_START_COLUMNS).where('chat_id', '=', chatId).executeTakeFirst();
      return row ? { userId: row.started_by, at: Number(row.started_at) } : undefined;
    },
  };
}
