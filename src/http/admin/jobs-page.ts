import type { JobSummary } from '../../store/outbox.js';
import { adviceFor } from './advice.js';
import { laneLink, when } from './bits.js';
import { html, type Html } from './escape.js';
import { renderConsolePage } from './layout.js';

export type JobAction = 'retry' | 'discard';

// Reasons can be whole stack traces; the log has the rest.
const REASON_MAX = 600;

/** Job kinds in words (the kinds are intake's and jira/jobs.ts's constants). */
const KINDS: Record<string, string> = {
  'wa.inbound': 'WhatsApp message to Slack',
  'wa.status': 'WhatsApp delivery status',
  'slack.event': 'Slack reply or action to WhatsApp',
  'bridge.notice': 'Notice in the Slack channel',
  'jira.ensure': 'Create the Jira request',
  'jira.flush': 'Comment on the Jira request',
  'jira.sla': 'Read the Jira SLAs',
  'jira.change': 'Jira change to Slack',
};

const reason = (text: string | null) => (text === null ? html`<span class="note">none recorded</span>` : text.length > REASON_MAX ? `${text.slice(0, REASON_MAX)}…` : text);

function facts(job: JobSummary): Html {
  return html`<dl class="facts">
<div><dt>Job</dt><dd>${job.id}</dd></div>
<div><dt>Kind</dt><dd>${KINDS[job.kind] ?? ''} <code>${job.kind}</code></dd></div>
<div><dt>Conversation</dt><dd>${laneLink(job.lane)}</dd></div>
<div><dt>Attempts</dt><dd>${job.attempts} of ${job.maxAttempts}${job.crashes > 0 ? `, ${job.crashes} crashed` : ''}</dd></div>
<div><dt>${job.status === 'dead' ? 'Gave up' : 'Runs'}</dt><dd>${when(job.status === 'dead' ? job.finishedAt : job.runAt)}</dd></div>
<div><dt>Queued</dt><dd>${when(job.createdAt)}</dd></div>
</dl>`;
}

function adviceBlock(job: JobSummary): Html {
  const advice = adviceFor(job.lastError);
  return html`<div class="todo"><strong>${advice.what}</strong>${advice.todo}</div>
<p class="reason" id="reason-${job.id}">${reason(job.lastError)}</p>`;
}

function deadItem(job: JobSummary): Html {
  const advice = adviceFor(job.lastError);
  return html`<li class="item" id="job-${job.id}" data-job="${job.id}">
<h3>Job ${job.id} · ${advice.code ?? 'failed'}</h3>
${facts(job)}
${adviceBlock(job)}
<div class="actions">
<a class="button${advice.retryHelps ? ' primary' : ''}" href="/admin/jobs/${job.id}/retry">Retry<span class="sr-only"> job ${job.id}</span>…</a>
<a class="button" href="/admin/jobs/${job.id}/discard">Discard<span class="sr-only"> job ${job.id}</span>…</a>
</div>
</li>`;
}

function pendingItem(job: JobSummary): Html {
  return html`<li class="item" data-job="${job.id}">
<h3>Job ${job.id}${job.attempts > 0 ? ` · retrying${job.lastError ? `: ${adviceFor(job.lastError).code ?? 'failed'}` : ''}` : ''}</h3>
${facts(job)}
${job.lastError && adviceBlock(job)}
</li>`;
}

const FLASH: Record<JobAction, (id: number) => string> = {
  retry: (id) => `Job ${id} is queued again and runs now. If it fails the same way, it comes back here.`,
  discard: (id) => `Job ${id} was discarded. It stays in the database (as done) until finished jobs are pruned.`,
};

export function renderJobsPage(data: { pending: JobSummary[]; dead: JobSummary[]; limit: number; flash?: { action: JobAction; id: number } }, nonce: string): string {
  const { pending, dead, limit, flash } = data;
  const more = (list: JobSummary[]) => list.length >= limit && html`<p class="note">Showing the first ${limit}.</p>`;
  return renderConsolePage({
    title: 'Jobs',
    nonce,
    section: 'jobs',
    main: html`<h1>Jobs</h1>
<p class="lead">Work the bridge still has to do, and work it gave up on, with what to do about it.</p>
${flash && html`<div class="alert ok" role="status" id="flash"><p>${FLASH[flash.action](flash.id)}</p></div>`}
<section class="panel" aria-labelledby="dead-heading">
<h2 id="dead-heading">Dead jobs (${dead.length})</h2>
<p class="note">Jobs that gave up, newest first. Fix the cause, then Retry; or Discard what cannot be sent any more.</p>
${dead.length === 0 ? html`<p class="empty">No dead jobs.</p>` : html`<ul class="items" aria-labelledby="dead-heading">${dead.map(deadItem)}</ul>${more(dead)}`}
</section>
<section class="panel" aria-labelledby="pending-heading">
<h2 id="pending-heading">Pending jobs (${pending.length})</h2>
<p class="note">Waiting for their turn or for a retry, next due first. Nothing to do unless they stay here.</p>
${pending.length === 0 ? html`<p class="empty">No pending jobs.</p>` : html`<ul class="items" aria-labelledby="pending-heading">${pending.map(pendingItem)}</ul>${more(pending)}`}
</section>`,
  });
}

const CONFIRM: Record<JobAction, { title: (id: number) => string; text: string; button: string; tone: string }> = {
  retry: {
    title: (id) => `Retry job ${id}?`,
    text: 'It runs again now with a fresh set of attempts. Anything it already did (a message already posted) is not done twice.',
    button: 'Yes, retry it',
    tone: 'primary',
  },
  discard: {
    title: (id) => `Discard job ${id}?`,
    text: 'It will not run again. What it was to send or post is not sent; the conversation carries on.',
    button: 'Yes, discard it',
    tone: 'danger',
  },
};

/** The confirmation step: a page of its own, so it works without script and under the CSP. */
export function renderConfirmPage(job: JobSummary, action: JobAction, csrf: string, nonce: string): string {
  const c = CONFIRM[action];
  return renderConsolePage({
    title: c.title(job.id),
    nonce,
    section: 'jobs',
    main: html`<h1>${c.title(job.id)}</h1>
<p class="lead">${c.text}</p>
<section class="panel" aria-labelledby="job-heading">
<h2 id="job-heading">Job ${job.id}</h2>
${facts(job)}
${adviceBlock(job)}
<form method="post" action="/admin/jobs/${job.id}/${action}" class="actions">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="${c.tone}">${c.button}</button>
<a class="button" href="/admin/jobs">Cancel</a>
</form>
</section>`,
  });
}
