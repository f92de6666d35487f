import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { JOB_SUMMARY_COLUMNS, toJobSummary, type JobSummary } from '../../store/outbox.js';
import type { Database } from '../../store/schema.js';
import type { ConversationDirectory, ConversationSummary } from './types.js';

/** `%text%` for LIKE, with LIKE's own wildcards in the text taken literally. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A typed number ("+1 (650) 555-1234"), as opposed to a name that happens to hold digits. */
const NUMBER_LIKE = /^[\d\s+().-]+$/;

/**
 * The console's reads that the outbox and the repositories do not offer: the conversation list and
 * one job's status. Plain SQL that SQLite and PostgreSQL both run; the list is one page of contacts
 * plus one query for their tickets, whatever the page size.
 */
export function createSqlDirectory(db: Kysely<Database>): ConversationDirectory & { findJob(id: number): Promise<JobSummary | undefined> } {
  return {
    async search({ text, limit, offset }) {
      const typed = (text ?? '').trim().slice(0, 100);
      const lastActivity = sql<number>`CASE WHEN c.last_inbound_at IS NOT NULL AND c.last_inbound_at > c.updated_at THEN c.last_inbound_at ELSE c.updated_at END`;
      let query = db
        .selectFrom('contacts as c')
        .select(['c.chat_id', 'c.name', 'c.phone', 'c.username', 'c.is_group', 'c.transport', 'c.slack_channel', 'c.card_ts'])
        .select(lastActivity.as('last_activity'));
      if (typed !== '') {
        const words = contains(typed.replace(/^@/, '').toLowerCase());
        const digits = typed.replace(/\D/g, '');
        query = query.where((eb) => {
          const like = (column: Expression<unknown>, pattern: string) => sql<SqlBool>`lower(${column}) LIKE ${pattern} ESCAPE '\\'`;
          const any: Expression<SqlBool>[] = [
            like(eb.ref('c.name'), words),
            like(eb.ref('c.username'), words),
            like(eb.ref('c.chat_id'), words),
            eb.exists(eb.selectFrom('contact_identifiers as i').select('i.chat_id').whereRef('i.chat_id', '=', 'c.chat_id').where((ib) => like(ib.ref('i.value'), words))),
          ];
          if (digits.length >= 3 && NUMBER_LIKE.test(typed)) {
            const number = contains(digits);
            any.push(like(eb.ref('c.phone'), number), like(eb.ref('c.wa_id'), number));
          }
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

    async findJob(id) {
      const row = await db.selectFrom('jobs').select(JOB_SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row && toJobSummary(row);
    },
  };
}
