import type { Kysely } from 'kysely';
import type { StatusUpdate } from './core/model.js';
import type { Database } from './store/schema.js';
import type { Outbox } from './store/outbox.js';
import type { InboundEnvelope } from './core/relay/inbound.js';

export const JOB_INBOUND = 'wa.inbound';
export const JOB_STATUS = 'wa.status';

/** A contact's conversation lane: its inbound messages, statuses and replies run in order. */
export const chatLane = (chatId: string) => `chat:${chatId}`;

export interface InboundJob {
  item: InboundEnvelope;
}

export interface StatusJob {
  status: StatusUpdate;
}

export interface Intake {
  /** Records and queues every message and status in one transaction; repeats are dropped. */
  recordWhatsApp(batch: { messages: InboundEnvelope[]; statuses: StatusUpdate[] }): Promise<{ queued: number; duplicates: number }>;
}

export function createIntake(db: Kysely<Database>, outbox: Outbox, onQueued: () => void): Intake {
  return {
    async recordWhatsApp(batch) {
      const result = await db.transaction().execute(async (trx) => {
        let queued = 0;
        for (const item of batch.messages) {
          const r = await outbox.enqueue(
            { kind: JOB_INBOUND, lane: chatLane(item.message.chatId), payload: { item } satisfies InboundJob, dedupeKey: `wa:msg:${item.message.id}` },
            trx,
          );
          if (r.inserted) queued += 1;
        }
        for (const status of batch.statuses) {
          const r = await outbox.enqueue(
            {
              kind: JOB_STATUS,
              lane: chatLane(status.recipient),
              payload: { status } satisfies StatusJob,
              dedupeKey: `wa:status:${status.messageId}:${status.status}`,
            },
            trx,
          );
          if (r.inserted) queued += 1;
        }
        return { queued, duplicates: batch.messages.length + batch.statuses.length - queued };
      });
      if (result.queued > 0) onQueued();
      return result;
    },
  };
}
