import { html, raw, toString, type Html } from './escape.js';
import { when } from './bits.js';
import { jiraSyncPanel, pacingPanel } from './overview-panels.js';
import { refreshScript } from './script.js';
import { pageHead, pageTop } from './shell.js';
import type { AdminTexts } from './texts.js';
import type { AdminFailure, AdminView } from './types.js';
import { needsPairing, pairingPanel, whatsappCard, whatsappDetailPanel, type PairingOutcome, type RouteSlot, type Tone } from './whatsapp-panels.js';

export interface PageOptions {
  /** The CSP nonce of this response: the inline style and script carry it, nothing else runs. */
  nonce: string;
  /** How often the page polls while pairing; slower (×10) once there is nothing to scan. */
  refreshMs: number;
  /** The routes whose WhatsApp Web session can be asked for a pairing code. */
  pairable: ReadonlySet<string>;
  /** The outcome of a pairing-code request, shown beside its session's form. */
  pairing?: PairingOutcome;
  texts: AdminTexts;
}

// Reasons can be whole stack traces; the log has the rest.
const REASON_MAX = 2000;

const badge = (tone: Tone, label: string) => html`<span class="badge ${tone}">${label}</span>`;

function failureRow(t: AdminTexts, f: AdminFailure): Html {
  const reason = f.reason === null ? '' : f.reason.length > REASON_MAX ? `${f.reason.slice(0, REASON_MAX)}…` : f.reason;
  return html`<tr><td class="nowrap">${when(t, f.at)}</td><td class="num">${f.id}</td><td><code>${f.kind}</code></td><td><code>${f.lane}</code></td><td class="num">${t.number(f.attempts)}</td><td class="reason">${reason || html`<span class="note">${t.overview.noReason}</span>`}</td></tr>`;
}

function failuresPanel(t: AdminTexts, failures: AdminFailure[]): Html {
  const o = t.overview;
  const c = o.columns;
  return html`<section class="panel" aria-labelledby="failures-heading">
<h2 id="failures-heading">${o.failuresHeading}</h2>
<p class="note">${o.failuresNote.before}<a href="/admin/jobs">${o.failuresNote.link}</a>${o.failuresNote.after}</p>
${failures.length === 0
  ? html`<p class="empty">${o.noFailures}</p>`
  : html`<div class="scroll" role="region" aria-labelledby="failures-heading" tabindex="0"><table>
<thead><tr>${[c.when, c.job, c.kind, c.conversation, c.attempts, c.reason].map((label) => html`<th scope="col">${label}</th>`)}</tr></thead>
<tbody>${failures.map((f) => failureRow(t, f))}</tbody>
</table></div>`}
</section>`;
}

function cards(t: AdminTexts, view: AdminView, slots: RouteSlot[]): Html {
  const { queue, slack, jira } = view;
  const o = t.overview;
  return html`<div class="grid">
${slots.map(whatsappCard)}
<section class="card" aria-labelledby="slack-heading"><h2 id="slack-heading">${o.slackHeading}</h2>
<p>${slack.ok ? badge('ok', o.reachable) : badge('bad', o.problem)}</p>
<p class="value">${slack.channel}</p>
<p class="note">${slack.detail ?? o.supportChannel}</p></section>
<section class="card" aria-labelledby="jira-heading"><h2 id="jira-heading">${o.jiraHeading}</h2>
<p>${jira.enabled ? badge('ok', o.jiraOn) : badge('neutral', o.jiraOff)}</p>
<p class="value">${jira.enabled ? ((jira.desk && o.jiraTarget(jira.desk)) ?? jira.target ?? o.jiraConfigured) : o.jiraNotConfigured}</p>
<p class="note">${jira.enabled ? o.jiraOnNote : o.jiraOffNote}</p></section>
<section class="card" aria-labelledby="queue-heading"><h2 id="queue-heading">${o.queueHeading}</h2>
<dl class="stats">
<div><dt>${o.pending}</dt><dd data-field="queue.pending">${t.number(queue.pending)}</dd></div>
<div><dt>${o.running}</dt><dd data-field="queue.running">${t.number(queue.running)}</dd></div>
<div${raw(queue.dead > 0 ? ' class="alarm"' : '')}><dt>${o.dead}</dt><dd data-field="queue.dead">${t.number(queue.dead)}</dd></div>
</dl>
<p class="note">${queue.dead > 0 ? o.deadNote : o.noDeadNote}</p></section>
</div>`;
}

export function renderAdminPage(view: AdminView, opts: PageOptions): string {
  const t = opts.texts;
  const o = t.overview;
  const several = view.routes.length > 1;
  const slots: RouteSlot[] = view.routes.map((entry) => ({ entry, several, t }));
  // The title speaks of the first session waiting to be paired, if any; else of status.json's `whatsapp`.
  const state = t.whatsapp.states[(view.routes.find(needsPairing) ?? view.whatsapp).state];
  // While the operator waits for a QR or scans one, the page follows quickly; otherwise at a tenth of the pace.
  const polling = view.routes.some(needsPairing);
  const holding = opts.pairing?.code ? opts.pairing.route : undefined;
  const meta = several ? o.metaSeveral(view.routes.length) : o.metaOne(view.transport === 'web');
  return toString(html`<!doctype html>
<html lang="${t.lang}">
${pageHead({
  title: t.shell.title(state.label),
  nonce: opts.nonce,
  extra: polling && !opts.pairing && raw(`<noscript><meta http-equiv="refresh" content="${Math.max(5, Math.round(opts.refreshMs / 1000))};url=/admin"></noscript>`),
})}
<body data-state="${view.whatsapp.state}" data-routes="${view.routes.map((r) => `${r.route}:${r.state}`).join(',')}" data-poll="${polling ? 'fast' : 'slow'}" data-hold="${String(Boolean(holding))}" data-hold-route="${holding ?? ''}" data-failures="${view.failures.map((f) => f.id).join(',')}" data-text-offline="${t.script.offline}" data-text-signed-out="${t.script.signedOut}">
${pageTop(t, html`<p class="meta">v${view.version} · ${meta}</p>`, 'overview')}
<main id="main">
<h1>${o.heading}</h1>
<p class="lead">${o.lead}</p>
<div role="status" id="poll-note"></div>
${slots.map((slot) => pairingPanel(slot, { canPair: opts.pairable.has(slot.entry.route), pairing: opts.pairing }))}
${cards(t, view, slots)}
${slots.map(whatsappDetailPanel)}
${failuresPanel(t, view.failures)}
${pacingPanel(t, view)}
${jiraSyncPanel(t, view)}
</main>
<footer class="foot"><p>${polling ? o.followsPairing : o.refreshesEvery(Math.round((opts.refreshMs * 10) / 1000))} ${t.shell.timesUtc}</p></footer>
<script nonce="${opts.nonce}">${raw(refreshScript(opts.refreshMs, opts.refreshMs * 10))}</script>
</body>
</html>
`);
}
