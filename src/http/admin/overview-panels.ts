import { when } from './bits.js';
import { html, type Html } from './escape.js';
import type { AdminView } from './types.js';

/** Baileys' disconnect codes (DisconnectReason) in words. */
const DISCONNECTS: Record<number, string> = {
  401: 'logged out (the device was unlinked on the phone)',
  403: 'refused by WhatsApp (the account may be banned)',
  408: 'connection timed out or was lost',
  411: 'multi-device mismatch',
  428: 'connection closed by WhatsApp',
  440: 'replaced by another client on the same session',
  500: 'bad session (stored keys no longer work)',
  503: 'WhatsApp unavailable',
  515: 'restart required (normal right after pairing)',
};

export function whatsappDetailPanel(view: AdminView): Html | false {
  const detail = view.whatsapp.detail;
  if (view.transport !== 'web' || !detail) return false;
  const last = detail.lastDisconnect;
  return html`<section class="panel" aria-labelledby="wa-detail-heading">
<h2 id="wa-detail-heading">WhatsApp Web connection</h2>
<dl class="facts">
<div><dt>State</dt><dd id="wa-detail-state">${detail.state}</dd></div>
<div><dt>Since</dt><dd>${when(detail.since)}</dd></div>
<div><dt>Reconnect attempts</dt><dd id="wa-attempts">${detail.attempt}</dd></div>
<div><dt>Linked device</dt><dd>${detail.paired ? 'yes' : 'no'}</dd></div>
<div><dt>Last disconnect</dt><dd id="wa-last-disconnect">${last ? html`${last.code !== undefined ? `${last.code}: ${DISCONNECTS[last.code] ?? 'see the log'}` : 'no code'}${last.reason ? html` <span class="note">(${last.reason})</span>` : ''}, ${when(last.at)}` : 'none since start'}</dd></div>
</dl>
${detail.state === 'connecting' && detail.attempt > 2 && html`<div class="todo"><strong>It keeps failing to connect.</strong>Check the server's internet access to WhatsApp. If the last disconnect says bad session or logged out, unlink and pair again.</div>`}
<div class="actions"><a class="button danger" href="/admin/whatsapp/unlink">Unlink…</a><span class="note">Logs this device out and forgets the session; a new QR code follows.</span></div>
</section>`;
}

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
