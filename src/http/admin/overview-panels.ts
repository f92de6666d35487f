import { when } from './bits.js';
import { html, type Html } from './escape.js';
import type { AdminTexts } from './texts.js';
import type { AdminView } from './types.js';

export function pacingPanel(t: AdminTexts, view: AdminView): Html | false {
  const p = view.pacing;
  if (!p) return false;
  const o = t.overview;
  return html`<section class="panel" aria-labelledby="pacing-heading">
<h2 id="pacing-heading">${o.pacingHeading}</h2>
<p class="note">${o.readOnly} ${p.shared ? o.pacingShared : o.pacingLocal}</p>
<dl class="facts">
<div><dt>${o.slackRate}</dt><dd>${o.slackRateValue(p.slack.perSecond, p.slack.burst)}</dd></div>
<div><dt>${o.slackHeld}</dt><dd id="pacing-slack">${p.slackPaused.length === 0 ? o.none : p.slackPaused.map((h, i) => html`${i > 0 ? ', ' : ''}<code>${h.channel}</code> ${o.heldUntil} ${when(t, h.until)}`)}</dd></div>
<div><dt>${o.graphHeld}</dt><dd>${p.graphPaused === 0 ? o.none : o.graphHeldValue(p.graphPaused)}</dd></div>
</dl>
</section>`;
}

export function jiraSyncPanel(t: AdminTexts, view: AdminView): Html | false {
  const sync = view.jira.sync;
  if (!view.jira.enabled || !sync) return false;
  const o = t.overview;
  const failing = sync.lastFailureAt !== undefined && (sync.lastSuccessAt === undefined || sync.lastFailureAt > sync.lastSuccessAt);
  return html`<section class="panel" aria-labelledby="jira-sync-heading">
<h2 id="jira-sync-heading">${o.jiraSyncHeading}</h2>
<p class="note">${o.jiraSyncNote}</p>
<dl class="facts">
<div><dt>${o.lastSuccess}</dt><dd>${sync.lastSuccessAt === undefined ? o.noneYet : when(t, sync.lastSuccessAt)}</dd></div>
<div><dt>${o.lastFailure}</dt><dd id="jira-last-failure">${sync.lastFailureAt === undefined ? o.noFailure : html`${when(t, sync.lastFailureAt)} <code>${sync.lastFailureCode ?? ''}</code>`}</dd></div>
<div><dt>${o.jiraWaiting}</dt><dd id="jira-pending">${sync.pending >= sync.pendingLimit ? o.orMore(sync.pendingLimit) : t.number(sync.pending)}</dd></div>
</dl>
${failing && html`<div class="todo"><strong>${o.jiraFailing}</strong>${o.jiraFailingTodo}</div>`}
</section>`;
}
