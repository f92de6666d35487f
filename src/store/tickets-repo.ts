import type { Kysely, Selectable } from 'kysely';
import type { SlaState, TicketRecord, TicketStore } from '../core/ports.js';
import { JIRA_COMMENT_BATCH_COLUMNS, JIRA_PENDING_COMMENT_COLUMNS, TICKET_COLUMNS, type Database, type TicketsTable } from './schema.js';

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
  const select = () => db.selectFrom('tickets').select(TICKET_COLUMNS);
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
    async addLine(chatId, sourceKey, line) {
      const r = await db
        .insertInto('jira_pending_comments')
        .values({ chat_id: chatId, source_key: sourceKey, body: line.body, is_public: line.isPublic ? 1 : 0, created_at: now(), batch_id: null })
        .onConflict((oc) => oc.column('source_key').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async pendingComments(chatId) {
      const rows = await db.selectFrom('jira_pending_comments').select(JIRA_PENDING_COMMENT_COLUMNS).where('chat_id', '=', chatId).where('batch_id', 'is', null).orderBy('id').execute();
      return rows.map((r) => ({ id: Number(r.id), body: r.body, isPublic: Boolean(r.is_public), createdAt: Number(r.created_at) }));
    },
    async startBatch(chatId, batch) {
      return db.transaction().execute(async (trx) => {
        const createdAt = now();
        const row = await trx
          .insertInto('jira_comment_batches')
          .values({ chat_id: chatId, ticket_key: batch.ticketKey, is_public: batch.isPublic ? 1 : 0, body: batch.body, created_at: createdAt, posted_at: null, comment_id: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        const id = Number(row.id);
        if (batch.lineIds.length > 0) {
          const r = await trx.updateTable('jira_pending_comments').set({ batch_id: id }).where('id', 'in', batch.lineIds).where('batch_id', 'is', null).executeTakeFirst();
          // Another attempt (a lease taken over) batched some of these lines first: let this one retry and find its batch.
          if (Number(r.numUpdatedRows) !== batch.lineIds.length) throw new Error('Jira comment lines were batched by another attempt');
        }
        return { id, ticketKey: batch.ticketKey, isPublic: batch.isPublic, body: batch.body, createdAt };
      });
    },
    async unfinishedBatches(chatId) {
      const rows = await db.selectFrom('jira_comment_batches').select(JIRA_COMMENT_BATCH_COLUMNS).where('chat_id', '=', chatId).where('posted_at', 'is', null).orderBy('id').execute();
      return rows.map((r) => ({ id: Number(r.id), ticketKey: r.ticket_key, isPublic: Boolean(r.is_public), body: r.body, createdAt: Number(r.created_at) }));
    },
    async finishBatch(batchId, commentId) {
      await db.updateTable('jira_comment_batches').set({ posted_at: now(), comment_id: commentId }).where('id', '=', batchId).execute();
    },
    async abandonBatch(batchId) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('jira_pending_comments').set({ batch_id: null }).where('batch_id', '=', batchId).execute();
        await trx.deleteFrom('jira_comment_batches').where('id', '=', batchId).where('posted_at', 'is', null).execute();
      });
    },
    async prune(olderThan) {
      return db.transaction().execute(async (trx) => {
        const old = trx.selectFrom('jira_comment_batches').select('id').where('posted_at', '<', olderThan);
        const lines = await trx.deleteFrom('jira_pending_comments').where('batch_id', 'in', old).executeTakeFirst();
        const batches = await trx.deleteFrom('jira_comment_batches').where('posted_at', '<', olderThan).executeTakeFirst();
        return Number(lines.numDeletedRows) + Number(batches.numDeletedRows);
      });
    },
  };
}
