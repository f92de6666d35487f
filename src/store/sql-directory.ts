import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { directoryTerms, type ConversationDirectory, type ConversationSummary } from '../core/store/directory.js';
import type { Database } from './schema.js';

/** `%text%` for LIKE, with LIKE's own wildcards in the text taken literally. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The console's conversation list in SQL that SQLite and PostgreSQL both run: one page of contacts
 * plus one query for their tickets, whatever the page size.
 */
export function createSqlDirectory(db: Kysely<Database>): ConversationDirectory {
  return {
    async search({ text, limit, offset }) {
      const { words, digits } = directoryTerms(text);
      const lastActivity = sql<number>`CASE WHEN c.last_inbound_at IS NOT NULL AND c.last_inbound_at > c.updated_at THEN c.last_inbound_at ELSE c.updated_at END`;
      let query = db
        .selectFrom('contacts as c')
        .select(['c.chat_id', 'c.name', 'c.phone', 'c.username', 'c.is_group', 'c.transport', 'c.slack_channel', 'c.card_ts'])
        .select(lastActivity.as('last_activity'));
      if (words !== undefined) {
        const pattern = contains(words);
        query = query.where((eb) => {
          const like = (column: Expression<unknown>, p: string) => sql<SqlBool>`lower(${column}) LIKE ${p} ESCAPE '\\'`;
          const any: Expression<SqlBool>[] = [
            like(eb.ref('c.name'), pattern),
            like(eb.ref('c.username'), pattern),
            like(eb.ref('c.chat_id'), pattern),
            eb.exists(eb.selectFrom('contact_identifiers as i').select('i.chat_id').whereRef('i.chat_id', '=', 'c.chat_id').where((ib) => like(ib.ref('i.value'), pattern))),
          ];
          if (digits !== undefined) any.push(like(eb.ref('c.phone'), contains(digits)), like(eb.ref('c.wa_id'), contains(digits)));
          return eb.or(any);
        });
      }
      const rows = await query.orderBy(lastActivity, 'desc').orderBy('c.chat_id').limit(limit).offset(offset).execute();
      const ids = rows.map((r) => r.chat_id);
      const tickets = ids.length === 0 ? [] : await db.selectFrom('tickets').select(['chat_id', 'key', 'url', 'done', 'created_at']).where('chat_id', 'in', ids).orderBy('created_at').execute();
      // Oldest first, so the newest request of each conversation is the one left in the map.
      const latest = new Map(tickets.map((t) => [t.chat_id, { key: t.key, url: t.url, done: Boolean(Number(t.done)) }]));
      return rows.map(
        (r): ConversationSummary => ({
          chatId: r.chat_id,
          name: r.name ?? undefined,
          phone: r.phone || undefined,
          username: r.username ?? undefined,
          isGroup: Boolean(Number(r.is_group)),
          transport: r.transport,
          slackChannel: r.slack_channel ?? undefined,
          cardTs: r.card_ts ?? undefined,
          ticket: latest.get(r.chat_id),
          lastActivityAt: Number(r.last_activity),
        }),
      );
    },
  };
}
