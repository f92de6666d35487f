import type { Kysely } from 'kysely';
import type { IdentifierKind, IdentityStore } from '../core/store/identities.js';
import { lookupIdentifiers, run, statementTexts } from './hot-sql.js';
import type { Database } from './schema.js';
import type { Dialect } from './sql-store.js';

const lookupTexts = { sqlite: statementTexts('sqlite', lookupIdentifiers), postgres: statementTexts('postgres', lookupIdentifiers) };

/**
 * The `contact_identifiers` table (migration 8): one row per identifier, its (kind, value) the
 * primary key, so a concurrent insert of the same identifier loses quietly and the winner stays.
 * Given a transaction (intake), every step joins it.
 */
export function createSqlIdentities(db: Kysely<Database>, dialect: Dialect): IdentityStore {
  return {
    async lookup(ids) {
      if (ids.length === 0) return [];
      // Every intake runs it: one text per number of identifiers (hot-sql.ts).
      const { rows } = await run<{ kind: IdentifierKind; value: string; chat_id: string }>(
        db,
        lookupTexts[dialect](ids.length),
        ids.flatMap((w) => [w.kind, w.value]),
      );
      return rows.map((r) => ({ kind: r.kind, value: r.value, chatId: r.chat_id }));
    },

    async claim(chatId, ids, now) {
      const rows = ids.filter((i) => i.kind !== 'username').map((i) => ({ kind: i.kind, value: i.value, chat_id: chatId, created_at: now }));
      if (rows.length === 0) return;
      await db.insertInto('contact_identifiers').values(rows).onConflict((oc) => oc.columns(['kind', 'value']).doNothing()).execute();
    },

    async setUsername(chatId, username, now) {
      await db.deleteFrom('contact_identifiers').where('chat_id', '=', chatId).where('kind', '=', 'username').where('value', '<>', username).execute();
      await db
        .insertInto('contact_identifiers')
        .values({ kind: 'username', value: username, chat_id: chatId, created_at: now })
        .onConflict((oc) => oc.columns(['kind', 'value']).doUpdateSet({ chat_id: chatId }))
        .execute();
    },

    async reassign(from, to) {
      if (from.length === 0) return;
      await db.updateTable('contact_identifiers').set({ chat_id: to }).where('chat_id', 'in', [...from]).where('kind', '<>', 'username').execute();
    },

    async firstSeen(chatIds) {
      if (chatIds.length === 0) return new Map();
      const rows = await db.selectFrom('contacts').select(['chat_id', 'created_at']).where('chat_id', 'in', [...chatIds]).execute();
      return new Map(rows.map((r) => [r.chat_id, Number(r.created_at)]));
    },
  };
}
