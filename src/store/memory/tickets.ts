import type { CommentBatch, TicketRecord, TicketStore } from '../../core/ports.js';

interface Line {
  id: number;
  chatId: string;
  sourceKey: string;
  body: string;
  isPublic: boolean;
  createdAt: number;
  batchId: number | null;
}

interface Batch extends CommentBatch {
  chatId: string;
  postedAt: number | null;
  commentId: string | null;
}

/** Jira requests and their comment lines on Maps, with the SQL store's rules. */
export function createMemoryTickets(now: () => number): TicketStore {
  const tickets = new Map<string, TicketRecord & { createdAt: number; seq: number }>();
  const lines = new Map<number, Line>();
  const batches = new Map<number, Batch>();
  let seq = 0;
  let lineId = 1;
  let batchId = 1;
  const out = (t: (TicketRecord & { createdAt: number; seq: number }) | undefined): TicketRecord | undefined => {
    if (!t) return undefined;
    const { createdAt: _c, seq: _s, ...ticket } = t;
    return structuredClone(ticket);
  };
  const newestFirst = (chatId: string) =>
    [...tickets.values()].filter((t) => t.chatId === chatId).sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
  const batchOut = (b: Batch): CommentBatch => ({ id: b.id, ticketKey: b.ticketKey, isPublic: b.isPublic, body: b.body, createdAt: b.createdAt });

  return {
    async open(chatId) {
      return out(newestFirst(chatId).find((t) => t.closedAt === undefined));
    },
    async byKey(key) {
      return out(tickets.get(key));
    },
    async latest(chatId) {
      return out(newestFirst(chatId)[0]);
    },
    async allOpen() {
      return [...tickets.values()].filter((t) => t.closedAt === undefined).map((t) => out(t)!);
    },
    async save(t) {
      const before = tickets.get(t.key);
      const { closedAt, ...rest } = structuredClone(t);
      tickets.set(t.key, { ...rest, ...(closedAt === undefined ? {} : { closedAt }), createdAt: before?.createdAt ?? now(), seq: before?.seq ?? seq++ });
    },
    async count(chatId) {
      return [...tickets.values()].filter((t) => t.chatId === chatId).length;
    },
    async addLine(chatId, sourceKey, line) {
      if ([...lines.values()].some((l) => l.sourceKey === sourceKey)) return false;
      const id = lineId++;
      lines.set(id, { id, chatId, sourceKey, body: line.body, isPublic: line.isPublic, createdAt: now(), batchId: null });
      return true;
    },
    async pendingComments(chatId) {
      return [...lines.values()]
        .filter((l) => l.chatId === chatId && l.batchId === null)
        .sort((a, b) => a.id - b.id)
        .map((l) => ({ id: l.id, body: l.body, isPublic: l.isPublic, createdAt: l.createdAt }));
    },
    async startBatch(chatId, batch) {
      const taken = batch.lineIds.map((id) => lines.get(id));
      // Another attempt (a lease taken over) batched some of these lines first: let this one retry and find its batch.
      if (taken.some((l) => !l || l.batchId !== null)) throw new Error('Jira comment lines were batched by another attempt');
      const b: Batch = { id: batchId++, chatId, ticketKey: batch.ticketKey, isPublic: batch.isPublic, body: batch.body, createdAt: now(), postedAt: null, commentId: null };
      batches.set(b.id, b);
      for (const l of taken) l!.batchId = b.id;
      return batchOut(b);
    },
    async unfinishedBatches(chatId) {
      return [...batches.values()].filter((b) => b.chatId === chatId && b.postedAt === null).sort((a, b) => a.id - b.id).map(batchOut);
    },
    async finishBatch(id, commentId) {
      const b = batches.get(id);
      if (b) Object.assign(b, { postedAt: now(), commentId });
    },
    async abandonBatch(id) {
      for (const l of lines.values()) if (l.batchId === id) l.batchId = null;
      if (batches.get(id)?.postedAt === null) batches.delete(id);
    },
    async prune(olderThan) {
      let n = 0;
      for (const b of [...batches.values()]) {
        if (b.postedAt === null || b.postedAt >= olderThan) continue;
        for (const l of [...lines.values()]) {
          if (l.batchId === b.id) {
            lines.delete(l.id);
            n += 1;
          }
        }
        batches.delete(b.id);
        n += 1;
      }
      return n;
    },
  };
}
