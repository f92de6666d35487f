import { html, raw, toString, type Html } from './escape.js';
import { when } from './bits.js';
import { jiraSyncPanel, pacingPanel, whatsappDetailPanel } from './overview-panels.js';
import { refreshScript } from './script.js';
import { pageHead, pageTop } from './shell.js';
import type { AdminFailure, AdminView, WhatsAppState } from './types.js';

export interface PageOptions {
  /** The CSP nonce of this response: the inline style and script carry it, nothing else runs. */
  nonce: string;
  /** How often the page polls while pairing; slower (×10) once there is nothing to scan. */
  refreshMs: number;
  /** Whether a pairing code can be requested (WhatsApp Web transport only). */
  canPair: boolean;
  /** The outcome of a pairing-code request, shown beside the form. */
  pairing?: { phone?: string; code?: string; error?: string };
}

type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

const STATES: Record<WhatsAppState, { label: string; tone: Tone; note: string }> = {
  connecting: { label: 'Connecting', tone: 'warn', note: 'Switchboard is connecting to WhatsApp.' },
  qr: { label: 'Waiting for pairing', tone: 'warn', note: 'Link the support phone to start relaying messages.' },
  open: { label: 'Connected', tone: 'ok', note: 'Messages are being relayed.' },
  closed: { label: 'Disconnected', tone: 'bad', note: 'The connection dropped; Switchboard reconnects on its own.' },
  logged_out: { label: 'Logged out', tone: 'bad', note: 'WhatsApp unlinked this device: pair again.' },
  'n/a': { label: 'Cloud API', tone: 'neutral', note: 'The WhatsApp Cloud API needs no pairing.' },
};

/** States in which the operator has something to do: scan, type a code, or wait for one. */
const PAIRING_STATES: ReadonlySet<WhatsAppState> = new Set(['qr', 'connecting', 'logged_out']);

// Reasons can be whole stack traces; the log has the rest.
const REASON_MAX = 2000;

const badge = (tone: Tone, label: string) => html`<span class="badge ${tone}">${label}</span>`;

function formatCode(code: string): string {
  return /^[A-Z0-9]{8}$/i.test(code) ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

function pairingForm(opts: PageOptions): Html {
  const { pairing } = opts;
  const invalid = Boolean(pairing?.error);
  return html`<h3 id="code-heading">Or link with a phone number</h3>
${pairing?.code && html`<div class="result" role="status"><p class="note">Enter this code on the phone (Linked devices › Link a device › Link with phone number instead):</p><p class="code" id="pairing-code">${formatCode(pairing.code)}</p><p class="note">The code expires after a few minutes.</p></div>`}
${pairing?.error && html`<div class="alert bad" role="alert" id="phone-error"><p><strong>No pairing code</strong>${pairing.error}</p></div>`}
<form method="post" action="/admin/pairing-code" aria-labelledby="code-heading">
<label for="phone">Phone number of the support account</label>
<p class="hint" id="phone-hint">International format with country code, digits only, for example 16505551234.</p>
<div class="row"><input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="off" required value="${pairing?.phone ?? ''}" aria-describedby="phone-hint${invalid ? ' phone-error' : ''}"${raw(invalid ? ' aria-invalid="true"' : '')}>
<button type="submit">Get pairing code</button></div>
</form>`;
}

function pairingPanel(view: AdminView, opts: PageOptions): Html | false {
  const { state, qrSvg } = view.whatsapp;
  if (view.transport !== 'web' || (!PAIRING_STATES.has(state) && !opts.pairing)) return false;
  const qr = qrSvg
    ? html`<figure class="qr" id="qr">${raw(qrSvg)}</figure>`
    : html`<div class="qr waiting" id="qr-waiting"><p>${state === 'open' ? 'Already linked.' : 'Waiting for WhatsApp to offer a QR code…'}</p></div>`;
  return html`<section class="panel" aria-labelledby="pair-heading">
<h2 id="pair-heading">Link WhatsApp</h2>
${state === 'logged_out' && html`<div class="alert bad" role="alert"><p><strong>WhatsApp logged this device out.</strong>Pair again: scan the new QR code or request a pairing code below.</p></div>`}
<div class="pair">
${qr}
<div>
<h3>Scan the QR code</h3>
<ol class="steps">
<li>Open WhatsApp on the support phone.</li>
<li>Go to Settings › Linked devices › Link a device.</li>
<li>Point the phone at this code. It changes every 20 seconds or so; this page follows it.</li>
</ol>
${opts.canPair && pairingForm(opts)}
</div>
</div>
</section>`;
}

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

function cards(view: AdminView): Html {
  const wa = STATES[view.whatsapp.state];
  const { queue, slack, jira } = view;
  return html`<div class="grid">
<section class="card" aria-labelledby="wa-heading"><h2 id="wa-heading">WhatsApp</h2>
<p><span class="badge ${wa.tone}" id="wa-state">${wa.label}</span></p>
<p class="value">${view.whatsapp.account ?? (view.transport === 'web' ? 'Not linked yet' : 'Cloud API')}</p>
<p class="note">${view.transport === 'web' ? 'WhatsApp Web (linked device).' : 'Meta Cloud API.'} ${wa.note}</p></section>
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
  const state = STATES[view.whatsapp.state];
  // While the operator waits for a QR or scans one, the page follows quickly; otherwise at a tenth of the pace.
  const polling = view.transport === 'web' && PAIRING_STATES.has(view.whatsapp.state);
  const holding = Boolean(opts.pairing?.code);
  return toString(html`<!doctype html>
<html lang="en">
${pageHead({
  title: `${state.label} · Switchboard admin`,
  nonce: opts.nonce,
  extra: polling && !opts.pairing && raw(`<noscript><meta http-equiv="refresh" content="${Math.max(5, Math.round(opts.refreshMs / 1000))};url=/admin"></noscript>`),
})}
<body data-state="${view.whatsapp.state}" data-poll="${polling ? 'fast' : 'slow'}" data-hold="${String(holding)}" data-failures="${view.failures.map((f) => f.id).join(',')}">
${pageTop(html`<p class="meta">v${view.version} · WhatsApp ${view.transport === 'web' ? 'Web' : 'Cloud API'}</p>`, 'overview')}
<main id="main">
<h1>Switchboard admin</h1>
<p class="lead">WhatsApp ⇄ Slack ⇄ Jira bridge: connection, queue and recent failures.</p>
${pairingPanel(view, opts)}
${cards(view)}
${whatsappDetailPanel(view)}
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
