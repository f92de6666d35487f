import type { SlaState, TicketRecord, TicketStore } from '../../core/ports.js';
import { isDuplicateKey, nextId, type Collections, type JiraBatchDoc, type TicketDoc } from './collections.js';

const toTicket = (d: TicketDoc): TicketRecord => ({
  key: d._id,
  id: d.issueId,
  chatId: d.chatId,
  status: d.status,
  done: d.done,
  url: d.url,
  sla: d.sla ? (JSON.parse(d.sla) as SlaState[]) : [],
  slaWarned: d.slaWarned ?? [],
  closedAt: d.closedAt ?? undefined,
});

const toBatch = (d: JiraBatchDoc) => ({ id: d._id, ticketKey: d.ticketKey, isPublic: d.isPublic, body: d.body, createdAt: d.createdAt });

/**
 * Jira requests and the lines on their way into comments. Without multi-document transactions a
 * comment batch is written in steps: the batch (not ready), its lines marked, then ready. A batch
 * is handed out (and so posted) only once ready, so one found unready was never posted: it is
 * undone, and its lines wait again.
 */
export function createMongoTickets(cols: Collections, now: () => number): TicketStore {
  async function undo(batchId: number): Promise<void> {
    await cols.jiraLines.updateMany({ batchId }, { $set: { batchId: null } });
    await cols.jiraBatches.deleteOne({ _id: batchId, postedAt: null });
  }

  return {
    async open(chatId) {
      const doc = await cols.tickets.find({ chatId, closedAt: null }).sort({ createdAt: -1 }).limit(1).next();
      return doc ? toTicket(doc) : undefined;
    },
    async byKey(key) {
      const doc = await cols.tickets.findOne({ _id: key });
      return doc ? toTicket(doc) : undefined;
    },
    async latest(chatId) {
      const doc = await cols.tickets.find({ chatId }).sort({ createdAt: -1 }).limit(1).next();
      return doc ? toTicket(doc) : undefined;
    },
    async allOpen() {
      return (await cols.tickets.find({ closedAt: null }).toArray()).map(toTicket);
    },
    async save(t) {
      const fields = {
        chatId: t.chatId,
        issueId: t.id,
        status: t.status,
        done: t.done,
        url: t.url,
        sla: JSON.stringify(t.sla),
        slaWarned: t.slaWarned,
        slaCheckedAt: now(),
        closedAt: t.closedAt ?? null,
      };
      await cols.tickets.updateOne({ _id: t.key }, { $set: fields, $setOnInsert: { createdAt: now() } }, { upsert: true });
    },
    async count(chatId) {
      return cols.tickets.countDocuments({ chatId });
    },
    async addLine(chatId, sourceKey, line) {
      if (await cols.jiraLines.findOne({ sourceKey }, { projection: { _id: 1 } })) return false;
      try {
        const id = await nextId(cols, 'jira_lines');
        await cols.jiraLines.insertOne({ _id: id, chatId, sourceKey, body: line.body, isPublic: line.isPublic, createdAt: now(), batchId: null });
        return true;
      } catch (err) {
        if (isDuplicateKey(err, 'sourceKey')) return false;
        throw err;
      }
    },
    async pendingComments(chatId) {
      const docs = await cols.jiraLines.find({ chatId, batchId: null }).sort({ _id: 1 }).toArray();
      return docs.map((d) => ({ id: d._id, body: d.body, isPublic: d.isPublic, createdAt: d.createdAt }));
    },
    async startBatch(chatId, batch) {
      const id = await nextId(cols, 'jira_batches');
      const createdAt = now();
      const doc: JiraBatchDoc = { _id: id, chatId, ticketKey: batch.ticketKey, isPublic: batch.isPublic, body: batch.body, lineIds: batch.lineIds, ready: false, createdAt, postedAt: null, commentId: null };
      await cols.jiraBatches.insertOne(doc);
      if (batch.lineIds.length > 0) {
        const r = await cols.jiraLines.updateMany({ _id: { $in: batch.lineIds }, batchId: null }, { $set: { batchId: id } });
        if (r.modifiedCount !== batch.lineIds.length) {
          // Another attempt (a lease taken over) batched some of these lines first: undo, and let this one retry and find its batch.
          await undo(id);
          throw new Error('Jira comment lines were batched by another attempt');
        }
      }
      await cols.jiraBatches.updateOne({ _id: id }, { $set: { ready: true } });
      return toBatch(doc);
    },
    async unfinishedBatches(chatId) {
      const docs = await cols.jiraBatches.find({ chatId, postedAt: null }).sort({ _id: 1 }).toArray();
      for (const d of docs.filter((b) => !b.ready)) await undo(d._id);
      return docs.filter((d) => d.ready).map(toBatch);
    },
    async finishBatch(batchId, commentId) {
      await cols.jiraBatches.updateOne({ _id: batchId }, { $set: { postedAt: now(), commentId } });
    },
    async abandonBatch(batchId) {
      await undo(batchId);
    },
    async prune(olderThan) {
      const old = await cols.jiraBatches.find({ postedAt: { $lt: olderThan } }, { projection: { _id: 1 } }).toArray();
      if (old.length === 0) return 0;
      const ids = old.map((b) => b._id);
      const lines = await cols.jiraLines.deleteMany({ batchId: { $in: ids } });
      const batches = await cols.jiraBatches.deleteMany({ _id: { $in: ids } });
      return lines.deletedCount + batches.deletedCount;
    },
  };
}
