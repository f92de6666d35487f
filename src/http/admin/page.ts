import { html, raw, toString, type Html } from './escape.js';
import { when } from './bits.js';
import { jiraSyncPanel, pacingPanel } from './overview-panels.js';
import { refreshScript } from './script.js';
import { pageHead, pageTop } from './shell.js';
import type { AdminFailure, AdminView } from './types.js';
import { needsPairing, pairingPanel, STATES, whatsappCard, whatsappDetailPanel, type PairingOutcome, type RouteSlot, type Tone } from './whatsapp-panels.js';

export interface PageOptions {
  /** The CSP nonce of this response: the inline style and script carry it, nothing else runs. */
  nonce: string;
  /** How often the page polls while pairing; slower (×10) once there is nothing to scan. */
  refreshMs: number;
  /** The routes whose WhatsApp Web session can be asked for a pairing code. */
  pairable: ReadonlySet<string>;
  /** The outcome of a pairing-code request, shown beside its session's form. */
  pairing?: PairingOutcome;
}

// Reasons can be whole stack traces; the log has the rest.
const REASON_MAX = 2000;

const badge = (tone: Tone, label: string) => html`<span class="badge ${tone}">${label}</span>`;

function failureRow(f: AdminFailure): Html {
  const reason = f.reason === null ? '' : f.reason.length > REASON_MAX ? `${f.reason.slice(0, REASON_MAX)}…` : f.reason;
  return html`<tr><td class="nowrap">${when(f.at)}</td><td class="num">${f.id}</td><td><code>${f.kind}</code></td><td><code>${f.lane}</code></td><td class="num">${f.attempts}</td><td class="reason">${reason || html`<span class="note">no reason recorded</span>`}</td></tr>`;
}

function failuresPanel(failures: AdminFailure[]): Html {
  return html`<section class="panel" aria-labelledby="failures-heading">
<h2 id="failures-heading">Recent failures</h2>
<p class="note">Jobs that used up their attempts, newest first. They wait on the <a href="/admin/jobs">Jobs page</a> until someone retries or discards them.</p>
${failures.length === 0
  ? html`<p class="empty">No failed jobs.</p>`
  : html`<div class="scroll" role="region" aria-labelledby="failures-heading" tabindex="0"><table>
<thead><tr><th scope="col">When</th><th scope="col">Job</th><th scope="col">Kind</th><th scope="col">Conversation</th><th scope="col">Attempts</th><th scope="col">Reason</th></tr></thead>
<tbody>${failures.map(failureRow)}</tbody>
</table></div>`}
</section>`;
}

function cards(view: AdminView, slots: RouteSlot[]): Html {
  const { queue, slack, jira } = view;
  return html`<div class="grid">
${slots.map(whatsappCard)}
<section class="card" aria-labelledby="slack-heading"><h2 id="slack-heading">Slack</h2>
<p>${slack.ok ? badge('ok', 'Reachable') : badge('bad', 'Problem')}</p>
<p class="value">${slack.channel}</p>
<p class="note">${slack.detail ?? 'Support channel.'}</p></section>
<section class="card" aria-labelledby="jira-heading"><h2 id="jira-heading">Jira</h2>
<p>${jira.enabled ? badge('ok', 'Enabled') : badge('neutral', 'Off')}</p>
<p class="value">${jira.enabled ? (jira.target ?? 'Configured') : 'Not configured'}</p>
<p class="note">${jira.enabled ? 'Conversations become service desk requests.' : 'Set JIRA_BASE_URL and friends to create tickets.'}</p></section>
<section class="card" aria-labelledby="queue-heading"><h2 id="queue-heading">Queue</h2>
<dl class="stats">
<div><dt>Pending</dt><dd data-field="queue.pending">${queue.pending}</dd></div>
<div><dt>Running</dt><dd data-field="queue.running">${queue.running}</dd></div>
<div${raw(queue.dead > 0 ? ' class="alarm"' : '')}><dt>Dead</dt><dd data-field="queue.dead">${queue.dead}</dd></div>
</dl>
<p class="note">${queue.dead > 0 ? 'Dead jobs gave up after their last attempt: see Jobs.' : 'No job has given up.'}</p></section>
</div>`;
}

export function renderAdminPage(view: AdminView, opts: PageOptions): string {
  const several = view.routes.length > 1;
  const slots: RouteSlot[] = view.routes.map((entry) => ({ entry, several }));
  // The title speaks of the first session waiting to be paired, if any; else of status.json's `whatsapp`.
  const state = STATES[(view.routes.find(needsPairing) ?? view.whatsapp).state];
  // While the operator waits for a QR or scans one, the page follows quickly; otherwise at a tenth of the pace.
  const polling = view.routes.some(needsPairing);
  const holding = opts.pairing?.code ? opts.pairing.route : undefined;
  const meta = several ? `${view.routes.length} WhatsApp numbers` : `WhatsApp ${view.transport === 'web' ? 'Web' : 'Cloud API'}`;
  return toString(html`<!doctype html>
<html lang="en">
${pageHead({
  title: `${state.label} · Switchboard admin`,
  nonce: opts.nonce,
  extra: polling && !opts.pairing && raw(`<noscript><meta http-equiv="refresh" content="${Math.max(5, Math.round(opts.refreshMs / 1000))};url=/admin"></noscript>`),
})}
<body data-state="${view.whatsapp.state}" data-routes="${view.routes.map((r) => `${r.route}:${r.state}`).join(',')}" data-poll="${polling ? 'fast' : 'slow'}" data-hold="${String(Boolean(holding))}" data-hold-route="${holding ?? ''}" data-failures="${view.failures.map((f) => f.id).join(',')}">
${pageTop(html`<p class="meta">v${view.version} · ${meta}</p>`, 'overview')}
<main id="main">
<h1>Switchboard admin</h1>
<p class="lead">WhatsApp ⇄ Slack ⇄ Jira bridge: connection, queue and recent failures.</p>
${slots.map((slot) => pairingPanel(slot, { canPair: opts.pairable.has(slot.entry.route), pairing: opts.pairing }))}
${cards(view, slots)}
${slots.map(whatsappDetailPanel)}
${failuresPanel(view.failures)}
${pacingPanel(view)}
${jiraSyncPanel(view)}
</main>
<footer class="foot"><p>${polling ? 'This page follows the pairing state by itself.' : `Figures refresh every ${Math.round((opts.refreshMs * 10) / 1000)} seconds.`} Times are UTC.</p></footer>
<script nonce="${opts.nonce}">${raw(refreshScript(opts.refreshMs, opts.refreshMs * 10))}</script>
</body>
</html>
`);
}
