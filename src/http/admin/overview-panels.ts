import { when } from './bits.js';
import { html, type Html } from './escape.js';
import type { AdminView } from './types.js';

export function pacingPanel(view: AdminView): Html | false {
  const p = view.pacing;
  if (!p) return false;
  return html`<section class="panel" aria-labelledby="pacing-heading">
<h2 id="pacing-heading">Pacing</h2>
<p class="note">Read-only. ${p.shared ? 'Shared with every instance on this PostgreSQL database.' : 'Kept by this process (SQLite, or local pacing).'}</p>
<dl class="facts">
<div><dt>Slack posts per channel</dt><dd>${p.slack.perSecond}/s, bursts of ${p.slack.burst}</dd></div>
<div><dt>Slack channels on hold</dt><dd id="pacing-slack">${p.slackPaused.length === 0 ? 'none' : p.slackPaused.map((h, i) => html`${i > 0 ? ', ' : ''}<code>${h.channel}</code> until ${when(h.until)}`)}</dd></div>
<div><dt>WhatsApp sends on hold</dt><dd>${p.graphPaused === 0 ? 'none' : `${p.graphPaused} (Retry-After)`}</dd></div>
</dl>
</section>`;
}

export function jiraSyncPanel(view: AdminView): Html | false {
  const sync = view.jira.sync;
  if (!view.jira.enabled || !sync) return false;
  const failing = sync.lastFailureAt !== undefined && (sync.lastSuccessAt === undefined || sync.lastFailureAt > sync.lastSuccessAt);
  return html`<section class="panel" aria-labelledby="jira-sync-heading">
<h2 id="jira-sync-heading">Jira sync</h2>
<p class="note">Read-only; since this process started.</p>
<dl class="facts">
<div><dt>Last success</dt><dd>${sync.lastSuccessAt === undefined ? 'none yet' : when(sync.lastSuccessAt)}</dd></div>
<div><dt>Last failure</dt><dd id="jira-last-failure">${sync.lastFailureAt === undefined ? 'none' : html`${when(sync.lastFailureAt)} <code>${sync.lastFailureCode ?? ''}</code>`}</dd></div>
<div><dt>Jira jobs waiting</dt><dd id="jira-pending">${sync.pending >= sync.pendingLimit ? `${sync.pendingLimit} or more` : sync.pending}</dd></div>
</dl>
${failing && html`<div class="todo"><strong>Jira is failing.</strong>The jobs retry by themselves; see Jobs for the reason and what to do.</div>`}
</section>`;
}
