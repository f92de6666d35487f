import { when } from './bits.js';
import { html, raw, type Html } from './escape.js';
import type { WhatsAppRouteView, WhatsAppState } from './types.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

export const STATES: Record<WhatsAppState, { label: string; tone: Tone; note: string }> = {
  connecting: { label: 'Connecting', tone: 'warn', note: 'Switchboard is connecting to WhatsApp.' },
  qr: { label: 'Waiting for pairing', tone: 'warn', note: 'Link the support phone to start relaying messages.' },
  open: { label: 'Connected', tone: 'ok', note: 'Messages are being relayed.' },
  closed: { label: 'Disconnected', tone: 'bad', note: 'The connection dropped; Switchboard reconnects on its own.' },
  logged_out: { label: 'Logged out', tone: 'bad', note: 'WhatsApp unlinked this device: pair again.' },
  'n/a': { label: 'Cloud API', tone: 'neutral', note: 'The WhatsApp Cloud API needs no pairing.' },
};

/** States in which the operator has something to do: scan, type a code, or wait for one. */
export const PAIRING_STATES: ReadonlySet<WhatsAppState> = new Set(['qr', 'connecting', 'logged_out']);

export const needsPairing = (entry: WhatsAppRouteView) => entry.transport === 'web' && PAIRING_STATES.has(entry.state);

/**
 * One route's number on the overview. With a single route the page reads as it did before routes
 * (plain ids and headings); with several, every id and heading carries the route's name, whose
 * characters (`[a-z0-9-]`) are safe in both.
 */
export interface RouteSlot {
  entry: WhatsAppRouteView;
  several: boolean;
}

const idOf = (base: string, slot: RouteSlot) => (slot.several ? `${base}-${slot.entry.route}` : base);
const named = (text: string, slot: RouteSlot) => (slot.several ? `${text} (${slot.entry.route})` : text);

/** The outcome of a pairing-code request, shown beside the form of the session it was for. */
export interface PairingOutcome {
  route: string;
  phone?: string;
  code?: string;
  error?: string;
}

function formatCode(code: string): string {
  return /^[A-Z0-9]{8}$/i.test(code) ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

function pairingForm(slot: RouteSlot, pairing: PairingOutcome | undefined): Html {
  const invalid = Boolean(pairing?.error);
  const id = (base: string) => idOf(base, slot);
  return html`<h3 id="${id('code-heading')}">Or link with a phone number</h3>
${pairing?.code && html`<div class="result" role="status"><p class="note">Enter this code on the phone (Linked devices › Link a device › Link with phone number instead):</p><p class="code" id="${id('pairing-code')}">${formatCode(pairing.code)}</p><p class="note">The code expires after a few minutes.</p></div>`}
${pairing?.error && html`<div class="alert bad" role="alert" id="${id('phone-error')}"><p><strong>No pairing code</strong>${pairing.error}</p></div>`}
<form method="post" action="/admin/pairing-code" aria-labelledby="${id('code-heading')}">
<input type="hidden" name="route" value="${slot.entry.route}">
<label for="${id('phone')}">${named('Phone number of the support account', slot)}</label>
<p class="hint" id="${id('phone-hint')}">International format with country code, digits only, for example 16505551234.</p>
<div class="row"><input id="${id('phone')}" name="phone" type="tel" inputmode="tel" autocomplete="off" required value="${pairing?.phone ?? ''}" aria-describedby="${id('phone-hint')}${invalid ? ` ${id('phone-error')}` : ''}"${raw(invalid ? ' aria-invalid="true"' : '')}>
<button type="submit">Get pairing code</button></div>
</form>`;
}

/** A WhatsApp Web session's QR and pairing form, while it waits to be paired (or shows a code). */
export function pairingPanel(slot: RouteSlot, opts: { canPair: boolean; pairing?: PairingOutcome }): Html | false {
  const { state, qrSvg, route } = slot.entry;
  const pairing = opts.pairing?.route === route ? opts.pairing : undefined;
  if (slot.entry.transport !== 'web' || (!PAIRING_STATES.has(state) && !pairing)) return false;
  const qr = qrSvg
    ? html`<figure class="qr" id="${idOf('qr', slot)}" data-qr="${route}">${raw(qrSvg)}</figure>`
    : html`<div class="qr waiting" id="${idOf('qr-waiting', slot)}"><p>${state === 'open' ? 'Already linked.' : 'Waiting for WhatsApp to offer a QR code…'}</p></div>`;
  return html`<section class="panel" aria-labelledby="${idOf('pair-heading', slot)}">
<h2 id="${idOf('pair-heading', slot)}">${named('Link WhatsApp', slot)}</h2>
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
${opts.canPair && pairingForm(slot, pairing)}
</div>
</div>
</section>`;
}

/** The route's card in the overview's grid: its state and account. */
export function whatsappCard(slot: RouteSlot): Html {
  const { entry } = slot;
  const wa = STATES[entry.state];
  const web = entry.transport === 'web';
  return html`<section class="card" aria-labelledby="${idOf('wa-heading', slot)}"><h2 id="${idOf('wa-heading', slot)}">${named('WhatsApp', slot)}</h2>
<p><span class="badge ${wa.tone}" id="${idOf('wa-state', slot)}">${wa.label}</span></p>
<p class="value">${entry.account ?? (web ? 'Not linked yet' : 'Cloud API')}</p>
<p class="note">${web ? 'WhatsApp Web (linked device).' : 'Meta Cloud API.'} ${wa.note}</p></section>`;
}

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

/** Why a WhatsApp Web session is in its state, and its Unlink. */
export function whatsappDetailPanel(slot: RouteSlot): Html | false {
  const { detail, route } = slot.entry;
  if (slot.entry.transport !== 'web' || !detail) return false;
  const last = detail.lastDisconnect;
  const id = (base: string) => idOf(base, slot);
  const unlink = slot.several ? `/admin/whatsapp/unlink?route=${route}` : '/admin/whatsapp/unlink';
  return html`<section class="panel" aria-labelledby="${id('wa-detail-heading')}">
<h2 id="${id('wa-detail-heading')}">${named('WhatsApp Web connection', slot)}</h2>
<dl class="facts">
<div><dt>State</dt><dd id="${id('wa-detail-state')}">${detail.state}</dd></div>
<div><dt>Since</dt><dd>${when(detail.since)}</dd></div>
<div><dt>Reconnect attempts</dt><dd id="${id('wa-attempts')}">${detail.attempt}</dd></div>
<div><dt>Linked device</dt><dd>${detail.paired ? 'yes' : 'no'}</dd></div>
<div><dt>Last disconnect</dt><dd id="${id('wa-last-disconnect')}">${last ? html`${last.code !== undefined ? `${last.code}: ${DISCONNECTS[last.code] ?? 'see the log'}` : 'no code'}${last.reason ? html` <span class="note">(${last.reason})</span>` : ''}, ${when(last.at)}` : 'none since start'}</dd></div>
</dl>
${detail.state === 'connecting' && detail.attempt > 2 && html`<div class="todo"><strong>It keeps failing to connect.</strong>Check the server's internet access to WhatsApp. If the last disconnect says bad session or logged out, unlink and pair again.</div>`}
<div class="actions"><a class="button danger" href="${unlink}">${slot.several ? `Unlink ${route}…` : 'Unlink…'}</a><span class="note">Logs this device out and forgets the session; a new QR code follows.</span></div>
</section>`;
}
