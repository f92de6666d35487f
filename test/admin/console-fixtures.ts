import type { JobSummary } from '../../src/store/outbox.js';
import type { AdminJobs, ConversationDirectory, ConversationSummary } from '../../src/http/admin/types.js';

/** A dead Slack post: the bot was removed from the channel. Numbers are Meta's documented test numbers. */
export function deadJob(overrides: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 42,
    kind: 'wa.inbound',
    lane: 'chat:16505551234',
    status: 'dead',
    attempts: 1,
    maxAttempts: 8,
    crashes: 0,
    lastError: 'slack_not_in_channel: Slack chat.postMessage failed: not_in_channel',
    runAt: Date.UTC(2025, 0, 15, 9, 29),
    createdAt: Date.UTC(2025, 0, 15, 9, 29),
    finishedAt: Date.UTC(2025, 0, 15, 9, 30),
    ...overrides,
  };
}

/** The outbox's console methods over an array, with the same rules (only dead jobs change). */
export function memoryJobs(jobs: JobSummary[]): AdminJobs & { jobs: JobSummary[]; wakes: number } {
  const self = {
    jobs,
    wakes: 0,
    async listJobs({ status, limit }: { status: 'pending' | 'dead'; limit: number }) {
      return self.jobs.filter((j) => j.status === status).slice(0, limit).map((j) => ({ ...j }));
    },
    async retryDead(id: number) {
      const job = self.jobs.find((j) => j.id === id && j.status === 'dead');
      if (!job) return false;
      Object.assign(job, { status: 'pending', attempts: 0, crashes: 0, finishedAt: null });
      return true;
    },
    async discardDead(id: number) {
      const job = self.jobs.find((j) => j.id === id && j.status === 'dead');
      if (!job) return false;
      Object.assign(job, { status: 'done', lastError: `discarded: ${job.lastError ?? ''}` });
      return true;
    },
    async find(id: number) {
      // A copy, as a store hands out rows.
      const job = self.jobs.find((j) => j.id === id);
      return job && { ...job };
    },
    wake() {
      self.wakes += 1;
    },
  };
  return self;
}

export function memoryConversations(rows: ConversationSummary[]): ConversationDirectory & { queries: Array<{ text?: string; limit: number; offset: number }> } {
  const queries: Array<{ text?: string; limit: number; offset: number }> = [];
  return {
    queries,
    async search(q) {
      queries.push(q);
      const text = (q.text ?? '').toLowerCase();
      const hits = rows.filter((r) => !text || [r.name, r.phone, r.username].some((v) => v?.toLowerCase().includes(text)));
      return hits.slice(q.offset, q.offset + q.limit);
    },
  };
}
