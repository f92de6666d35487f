import type { JobSummary } from '../../store/outbox.js';
import { adviceFor } from './advice.js';
import { laneLink, when } from './bits.js';
import { html, type Html } from './escape.js';
import { renderConsolePage } from './layout.js';
import type { AdminTexts } from './texts.js';

export type JobAction = 'retry' | 'discard';

// Reasons can be whole stack traces; the log has the rest.
const REASON_MAX = 600;

const reason = (t: AdminTexts, text: string | null) =>
  text === null ? html`<span class="note">${t.jobs.noneRecorded}</span>` : text.length > REASON_MAX ? `${text.slice(0, REASON_MAX)}…` : text;

function facts(t: AdminTexts, job: JobSummary): Html {
  const j = t.jobs;
  const dead = job.status === 'dead';
  return html`<dl class="facts">
<div><dt>${j.job}</dt><dd>${job.id}</dd></div>
<div><dt>${j.kind}</dt><dd>${(j.kinds as Partial<Record<string, string>>)[job.kind] ?? ''} <code>${job.kind}</code></dd></div>
<div><dt>${j.conversation}</dt><dd>${laneLink(job.lane)}</dd></div>
<div><dt>${j.attempts}</dt><dd>${j.attemptsOf(job.attempts, job.maxAttempts, job.crashes)}</dd></div>
<div><dt>${dead ? j.gaveUp : j.runs}</dt><dd>${when(t, dead ? job.finishedAt : job.runAt)}</dd></div>
<div><dt>${j.queued}</dt><dd>${when(t, job.createdAt)}</dd></div>
</dl>`;
}

function adviceBlock(t: AdminTexts, job: JobSummary): Html {
  const advice = adviceFor(t, job.lastError);
  return html`<div class="todo"><strong>${advice.what}</strong>${advice.todo}</div>
<p class="reason" id="reason-${job.id}">${reason(t, job.lastError)}</p>`;
}

function deadItem(t: AdminTexts, job: JobSummary): Html {
  const j = t.jobs;
  const advice = adviceFor(t, job.lastError);
  return html`<li class="item" id="job-${job.id}" data-job="${job.id}">
<h3>${j.heading(job.id)} · ${advice.code ?? j.failed}</h3>
${facts(t, job)}
${adviceBlock(t, job)}
<div class="actions">
<a class="button${advice.retryHelps ? ' primary' : ''}" href="/admin/jobs/${job.id}/retry">${j.retry}<span class="sr-only">${j.srJob(job.id)}</span>…</a>
<a class="button" href="/admin/jobs/${job.id}/discard">${j.discard}<span class="sr-only">${j.srJob(job.id)}</span>…</a>
</div>
</li>`;
}

function pendingItem(t: AdminTexts, job: JobSummary): Html {
  const j = t.jobs;
  const retrying = job.attempts > 0 ? ` · ${j.retrying}${job.lastError ? `: ${adviceFor(t, job.lastError).code ?? j.failed}` : ''}` : '';
  return html`<li class="item" data-job="${job.id}">
<h3>${j.heading(job.id)}${retrying}</h3>
${facts(t, job)}
${job.lastError && adviceBlock(t, job)}
</li>`;
}

export function renderJobsPage(t: AdminTexts, data: { pending: JobSummary[]; dead: JobSummary[]; limit: number; flash?: { action: JobAction; id: number } }, nonce: string): string {
  const { pending, dead, limit, flash } = data;
  const j = t.jobs;
  const more = (list: JobSummary[]) => list.length >= limit && html`<p class="note">${j.showingFirst(limit)}</p>`;
  return renderConsolePage(t, {
    title: j.title,
    nonce,
    section: 'jobs',
    main: html`<h1>${j.title}</h1>
<p class="lead">${j.lead}</p>
${flash && html`<div class="alert ok" role="status" id="flash"><p>${flash.action === 'retry' ? j.flashRetry(flash.id) : j.flashDiscard(flash.id)}</p></div>`}
<section class="panel" aria-labelledby="dead-heading">
<h2 id="dead-heading">${j.deadHeading(dead.length)}</h2>
<p class="note">${j.deadNote}</p>
${dead.length === 0 ? html`<p class="empty">${j.noDead}</p>` : html`<ul class="items" aria-labelledby="dead-heading">${dead.map((job) => deadItem(t, job))}</ul>${more(dead)}`}
</section>
<section class="panel" aria-labelledby="pending-heading">
<h2 id="pending-heading">${j.pendingHeading(pending.length)}</h2>
<p class="note">${j.pendingNote}</p>
${pending.length === 0 ? html`<p class="empty">${j.noPending}</p>` : html`<ul class="items" aria-labelledby="pending-heading">${pending.map((job) => pendingItem(t, job))}</ul>${more(pending)}`}
</section>`,
  });
}

/** The confirmation step: a page of its own, so it works without script and under the CSP. */
export function renderConfirmPage(t: AdminTexts, job: JobSummary, action: JobAction, csrf: string, nonce: string): string {
  const j = t.jobs;
  const c =
    action === 'retry'
      ? { title: j.confirmRetryTitle(job.id), text: j.confirmRetryText, button: j.confirmRetryButton, tone: 'primary' }
      : { title: j.confirmDiscardTitle(job.id), text: j.confirmDiscardText, button: j.confirmDiscardButton, tone: 'danger' };
  return renderConsolePage(t, {
    title: c.title,
    nonce,
    section: 'jobs',
    main: html`<h1>${c.title}</h1>
<p class="lead">${c.text}</p>
<section class="panel" aria-labelledby="job-heading">
<h2 id="job-heading">${j.heading(job.id)}</h2>
${facts(t, job)}
${adviceBlock(t, job)}
<form method="post" action="/admin/jobs/${job.id}/${action}" class="actions">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="${c.tone}">${c.button}</button>
<a class="button" href="/admin/jobs">${j.cancel}</a>
</form>
</section>`,
  });
}
