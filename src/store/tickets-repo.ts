import type { Kysely, Selectable } from 'kysely';
import type { SlaState, TicketRecord, TicketStore } from '../core/ports.js';
import type { Database, TicketsTable } from './schema.js';

function toTicket(r: Selectable<TicketsTable>): TicketRecord {
  return {
    key: r.key,
    id: r.issue_id,
    chatId: r.chat_id,
    status: r.status,
    done: Boolean(r.done),
    url: r.url,
    sla: r.sla ? (JSON.parse(r.sla) as SlaState[]) : [],
    slaWarned: r.sla_warned ? (JSON.parse(r.sla_warned) as string[]) : [],
    closedAt: r.closed_at === null ? undefined : Number(r.closed_at),
  };
}

export function createTicketStore(db: Kysely<Database>, now: () => number = Date.now): TicketStore {
  const select = () => db.selectFrom('tickets').selectAll();
  return {
    async open(chatId) {
      const row = await select().where('chat_id', '=', chatId).where('closed_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
      return row ? toTicket(row) : undefined;
    },
    async byKey(key) {
      const row = await select().where('key', '=', key).executeTakeFirst();
      return row ? toTicket(row) : undefined;
    },
    async latest(chatId) {
      const row = await select().where('chat_id', '=', chatId).orderBy('created_at', 'desc').executeTakeFirst();
      return row ? toTicket(row) : undefined;
    },
    async allOpen() {
      return (await select().where('closed_at', 'is', null).execute()).map(toTicket);
    },
    async save(t) {
      const fields = {
        chat_id: t.chatId,
        issue_id: t.id,
        status: t.status,
        done: t.done ? 1 : 0,
        url: t.url,
        sla: JSON.stringify(t.sla),
        sla_warned: JSON.stringify(t.slaWarned),
        sla_checked_at: now(),
        closed_at: t.closedAt ?? null,
      };
      await db
        .insertInto('tickets')
        .values({ key: t.key, ...fields, created_at: now() })
        .onConflict((oc) => oc.column('key').doUpdateSet(fields))
        .execute();
    },
    async count(chatId) {
      const r = await db.selectFrom('tickets').select(db.fn.countAll<number>().as('n')).where('chat_id', '=', chatId).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async addComment(chatId, body, isPublic) {
      await db.insertInto('jira_pending_comments').values({ chat_id: chatId, body, is_public: isPublic ? 1 : 0, created_at: now() }).execute();
    },
    async pendingComments(chatId) {
      const rows = await db.selectFrom('jira_pending_comments').selectAll().where('chat_id', '=', chatId).orderBy('id').execute();
      return rows.map((r) => ({ id: Number(r.id), body: r.body, isPublic: Boolean(r.is_public), createdAt: Number(r.created_at) }));
    },
    async dropComments(ids) {
      if (ids.length > 0) await db.deleteFrom('jira_pending_comments').where('id', 'in', ids).execute();
    },
  };
}
