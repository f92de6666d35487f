import type { TicketStore } from '../core/ports.js';
import type { JiraActionJob } from '../core/relay/card-actions.js';
import type { JiraCommentJob } from '../core/relay/jira-comments.js';
import type { Outbox } from '../store/outbox.js';

export const JOB_JIRA_ENSURE = 'jira.ensure';
export const JOB_JIRA_FLUSH = 'jira.flush';
export const JOB_JIRA_SLA = 'jira.sla';
export const JOB_JIRA_CHANGE = 'jira.change';
/** A comment written in Jira, on its way to the thread (and to the contact when public). */
export const JOB_JIRA_COMMENT = 'jira.comment';
/** The request's side of a card action: assignment or transition. */
export const JOB_JIRA_ACTION = 'jira.action';

/** Jira work runs in its own lane per conversation, so Jira never holds back Slack or WhatsApp. */
export const jiraLane = (chatId: string) => `jira:${chatId}`;

export interface JiraChatJob {
  chatId: string;
  /** For a new request's description: the line that caused it. */
  firstLine?: string;
}

export interface JiraChangeJob {
  key: string;
  status: string;
  done: boolean;
  deleted?: boolean;
  /** The webhook's timestamp (Jira's clock). */
  at?: number;
}

export interface JiraQueue {
  /**
   * After a message was relayed: keep its line for the request's comments and make sure the
   * request exists. `sourceKey` (the message's id) makes a retried relay job add nothing twice.
   */
  conversationLine(chatId: string, sourceKey: string, line: { body: string; isPublic: boolean; fromContact: boolean }): Promise<void>;
  /** Schedules an SLA refresh for every open request (one job per request per period, across instances). */
  scheduleSlaRefresh(): Promise<number>;
  change(chatId: string, change: JiraChangeJob, deliveryId: string): Promise<boolean>;
  comment(chatId: string, comment: JiraCommentJob, deliveryId: string): Promise<boolean>;
  /** Once per press (its interaction key), in the conversation's Jira lane. */
  action(job: JiraActionJob): Promise<void>;
}

export function createJiraQueue(deps: { outbox: Outbox; tickets: TicketStore; batchMs: number; slaRefreshMs: number; now?: () => number; notify(): void }): JiraQueue {
  const now = deps.now ?? Date.now;
  return {
    async conversationLine(chatId, sourceKey, line) {
      // One idempotent insert keyed by the source: a re-run relay job adds nothing.
      await deps.tickets.addLine(chatId, sourceKey, { body: line.body, isPublic: line.isPublic });
      // Queued whether or not the line was new: the first attempt may have stopped before queueing (both are deduplicated).
      // Only the contact opens a request; agents' replies and notes go to the latest one.
      if (line.fromContact) {
        await deps.outbox.enqueue({ kind: JOB_JIRA_ENSURE, lane: jiraLane(chatId), payload: { chatId, firstLine: line.body } satisfies JiraChatJob, dedupeKey: `jira:ensure:${sourceKey}` });
      }
      // Lines arriving within one batch window share a flush job: one comment, not one call per message.
      const bucket = Math.floor(now() / deps.batchMs);
      await deps.outbox.enqueue({
        kind: JOB_JIRA_FLUSH,
        lane: jiraLane(chatId),
        payload: { chatId } satisfies JiraChatJob,
        dedupeKey: `jira:flush:${chatId}:${bucket}`,
        runAt: (bucket + 1) * deps.batchMs,
      });
      deps.notify();
    },
    async scheduleSlaRefresh() {
      const bucket = Math.floor(now() / deps.slaRefreshMs);
      let queued = 0;
      for (const t of await deps.tickets.allOpen()) {
        const r = await deps.outbox.enqueue({ kind: JOB_JIRA_SLA, lane: jiraLane(t.chatId), payload: { chatId: t.chatId } satisfies JiraChatJob, dedupeKey: `jira:sla:${t.key}:${bucket}` });
        if (r.inserted) queued += 1;
      }
      if (queued > 0) deps.notify();
      return queued;
    },
    async change(chatId, change, deliveryId) {
      const r = await deps.outbox.enqueue({ kind: JOB_JIRA_CHANGE, lane: jiraLane(chatId), payload: change, dedupeKey: `jira:webhook:${deliveryId}` });
      if (r.inserted) deps.notify();
      return r.inserted;
    },
    async comment(chatId, comment, deliveryId) {
      // A creation is one job however often it is delivered; each edit's delivery is its own (the job shows each text once).
      const r = await deps.outbox.enqueue({ kind: JOB_JIRA_COMMENT, lane: jiraLane(chatId), payload: comment, dedupeKey: `jira:comment:${comment.event}:${comment.comment.id}:${comment.event === 'created' ? '' : deliveryId}` });
      if (r.inserted) deps.notify();
      return r.inserted;
    },
    async action(job) {
      const r = await deps.outbox.enqueue({ kind: JOB_JIRA_ACTION, lane: jiraLane(job.chatId), payload: job, dedupeKey: `jira:action:${job.key}` });
      if (r.inserted) deps.notify();
    },
  };
}
