import { classifyFailure } from './failures.js';
import type { JobHandler, JobSpec } from './worker.js';

/** When jobs of some kinds last succeeded and failed in this process (the console's Jira panel). */
export interface JobActivity {
  lastSuccessAt?: number;
  lastFailureAt?: number;
  /** The failure's code only: messages can carry names and text. */
  lastFailureCode?: string;
}

export interface JobActivityTracker {
  /** The same handlers, those whose kind `matches` watched. */
  watch(handlers: Record<string, JobHandler>, matches: (kind: string) => boolean): Record<string, JobHandler>;
  snapshot(): JobActivity;
}

/**
 * Watches handler runs rather than the queue: the queue keeps no "last success", and finished
 * jobs are pruned. Each attempt counts, retried failures included: "Jira failed 2 minutes ago"
 * is what an operator wants to know while the retries are still under way.
 */
export function createJobActivityTracker(now: () => number = Date.now): JobActivityTracker {
  const state: JobActivity = {};
  const wrap = (handler: JobHandler): JobSpec => {
    const spec: JobSpec = typeof handler === 'function' ? { run: handler } : handler;
    return {
      ...spec,
      async run(payload, ctx) {
        try {
          await spec.run(payload, ctx);
          state.lastSuccessAt = now();
        } catch (err) {
          state.lastFailureAt = now();
          state.lastFailureCode = classifyFailure(err).code;
          throw err;
        }
      },
    };
  };
  return {
    watch: (handlers, matches) => Object.fromEntries(Object.entries(handlers).map(([kind, h]) => [kind, matches(kind) ? wrap(h) : h])),
    snapshot: () => ({ ...state }),
  };
}
