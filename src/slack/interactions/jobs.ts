/** The queued work of the interactions: what a modal's submission asked for, run by the worker. */
import { runResolve, type ResolveDeps } from '../../core/relay/resolve-with-message.js';
import { runSavedReply, type SavedReplyDeps } from '../../core/start/send-saved-reply.js';
import { runStart, type StartDeps } from '../../core/start/send-started.js';
import { isResolveJob, isSavedReplyJob, isStartJob, readPayload } from '../../job-payloads.js';
import type { JobHandler } from '../../queue/worker.js';

export const JOB_START = 'slack.start';
export const JOB_SAVED_REPLY = 'slack.saved_reply';
/** The card's Resolve, submitted from its modal (with or without a closing message). */
export const JOB_RESOLVE = 'slack.resolve';

export function createInteractionJobs(deps: { start: StartDeps; savedReply: SavedReplyDeps; resolve: ResolveDeps }): Record<string, JobHandler> {
  return {
    [JOB_START]: async (payload, ctx) => runStart(readPayload(JOB_START, payload, isStartJob), deps.start, ctx.job.resumed ? ctx.job.createdAt : undefined),
    [JOB_SAVED_REPLY]: async (payload) => runSavedReply(readPayload(JOB_SAVED_REPLY, payload, isSavedReplyJob), deps.savedReply),
    [JOB_RESOLVE]: async (payload) => runResolve(readPayload(JOB_RESOLVE, payload, isResolveJob), deps.resolve),
  };
}
