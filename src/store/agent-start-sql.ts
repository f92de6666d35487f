import type { Kysely } from 'kysely';
import type { AgentStartStore } from '../core/start/ports.js';
import { resolveConversation } from './identities.js';
import type { Database } from './schema.js';

/** AgentStartStore on SQLite or PostgreSQL (migration 11). */
export function createAgentStartStore(db: Kysely<Database>, now: () => number = Date.now): AgentStartStore {
  const toReply = (r: { name: string; text: string; file_url: string | null; updated_by: string; updated_at: number }) => ({
    name: r.name,
    text: r.text,
    ...(r.file_url ? { fileUrl: r.file_url } : {}),
    updatedBy: r.updated_by,
    updatedAt: Number(r.updated_at),
  });
  return {
    async savedReplies() {
      const rows = await db.selectFrom('saved_replies').selectAll().orderBy('name').execute();
      return rows.map(toReply);
    },
    async savedReply(name) {
      const row = await db.selectFrom('saved_replies').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toReply(row) : undefined;
    },
    async saveReply(reply) {
      const fields = { text: reply.text, file_url: reply.fileUrl ?? null, updated_by: reply.updatedBy, updated_at: reply.updatedAt };
      await db
        .insertInto('saved_replies')
        .values({ name: reply.name, ...fields })
        .onConflict((oc) => oc.column('name').doUpdateSet(fields))
        .execute();
    },
    async deleteReply(name) {
      await db.deleteFrom('saved_replies').where('name', '=', name).execute();
    },
    async conversationFor(phoneDigits) {
      const resolved = await db.transaction().execute((trx) => resolveConversation(trx, { phone: phoneDigits }, now()));
      return resolved?.chatId ?? phoneDigits;
    },
    async recordStarter(chatId, userId, at) {
      await db
        .insertInto('conversation_starts')
        .values({ chat_id: chatId, started_by: userId, started_at: at })
        .onConflict((oc) => oc.column('chat_id').doNothing())
        .execute();
    },
    async starter(chatId) {
      const row = await db.selectFrom('conversation_starts').selectAll().where('chat_id', '=', chatId).executeTakeFirst();
      return row ? { userId: row.started_by, at: Number(row.started_at) } : undefined;
    },
  };
}
