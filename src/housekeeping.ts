import type { Config } from './config.js';
import type { EffectLog, TicketStore } from './core/ports.js';
import type { JobQueue } from './core/store/queue.js';
import type { JiraQueue } from './jira/jobs.js';
import type { Logger } from './logger.js';

/** Finished jobs are kept this long: their dedupe keys absorb Meta's retries (up to 7 days). */
const DONE_RETENTION_MS = 14 * 24 * 60 * 60_000;
/** Side-effect results serve retries only; a month is far longer than any retry lives. */
const EFFECT_RETENTION_MS = 30 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

/** The timers of a running service: pruning what only served retries, and re-reading SLAs (Jira). */
export function startHousekeeping(
  config: Pick<Config, 'jiraEnabled' | 'JIRA_SLA_REFRESH_MS'>,
  deps: { outbox: JobQueue; effects: EffectLog; tickets: TicketStore; jiraQueue: JiraQueue; logger: Logger },
): { stop(): void } {
  const { outbox, effects, tickets, jiraQueue, logger } = deps;
  const pruneTimer = setInterval(() => {
    Promise.all([outbox.pruneDone(Date.now() - DONE_RETENTION_MS), effects.prune(Date.now() - EFFECT_RETENTION_MS), tickets.prune(Date.now() - EFFECT_RETENTION_MS)])
      .then(([jobs, results, jiraLines]) => logger.debug({ jobs, results, jiraLines }, 'pruned finished jobs and old side-effect results'))
      .catch((err: unknown) => logger.warn({ err }, 'could not prune finished jobs'));
  }, PRUNE_EVERY_MS);
  pruneTimer.unref();
  let slaTimer: NodeJS.Timeout | undefined;
  if (config.jiraEnabled) {
    // SLAs are re-read on a schedule (and on webhook changes), never once per message.
    slaTimer = setInterval(() => {
      jiraQueue.scheduleSlaRefresh().catch((err: unknown) => logger.warn({ err }, 'could not schedule SLA refreshes'));
    }, config.JIRA_SLA_REFRESH_MS);
    slaTimer.unref();
  }
  return {
    stop() {
      clearInterval(pruneTimer);
      if (slaTimer) clearInterval(slaTimer);
    },
  };
}
