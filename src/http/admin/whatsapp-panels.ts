import { when } from './bits.js';
import { html, raw, type Html } from './escape.js';
import type { AdminTexts } from './texts.js';
import type { WhatsAppRouteView, WhatsAppState } from './types.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

/** Each state's badge colour; its words are in the catalogue (`whatsapp.states`). */
export const TONES: Record<WhatsAppState, Tone> = { connecting: 'warn', qr: 'warn', open: 'ok', closed: 'bad', logged_out: 'bad', 'n/a': 'neutral' };

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
  t: AdminTexts;
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
  const w = slot.t.whatsapp;
  const invalid = Boolean(pairing?.error);
  const id = (base: string) => idOf(base, slot);
  return html`<h3 id="${id('code-heading')}">${w.codeHeading}</h3>
${pairing?.code && html`<div class="result" role="status"><p class="note">${w.enterCode}</p><p class="code" id="${id('pairing-code')}">${formatCode(pairing.code)}</p><p class="note">${w.codeExpires}</p></div>`}
${pairing?.error && html`<div class="alert bad" role="alert" id="${id('phone-error')}"><p><strong>${w.noCode}</strong>${pairing.error}</p></div>`}
<form method="post" action="/admin/pairing-code" aria-labelledby="${id('code-heading')}">
<input type="hidden" name="route" value="${slot.entry.route}">
<label for="${id('phone')}">${named(w.phoneLabel, slot)}</label>
<p class="hint" id="${id('phone-hint')}">${w.phoneHint}</p>
<div class="row"><input id="${id('phone')}" name="phone" type="tel" inputmode="tel" autocomplete="off" required value="${pairing?.phone ?? ''}" aria-describedby="${id('phone-hint')}${invalid ? ` ${id('phone-error')}` : ''}"${raw(invalid ? ' aria-invalid="true"' : '')}>
<button type="submit">${w.getCode}</button></div>
</form>`;
}

/** A WhatsApp Web session's QR and pairing form, while it waits to be paired (or shows a code). */
export function pairingPanel(slot: RouteSlot, opts: { canPair: boolean; pairing?: PairingOutcome }): Html | false {
  const { state, qrSvg, route } = slot.entry;
  const pairing = opts.pairing?.route === route ? opts.pairing : undefined;
  if (slot.entry.transport !== 'web' || (!PAIRING_STATES.has(state) && !pairing)) return false;
  const w = slot.t.whatsapp;
  const qr = qrSvg
    ? html`<figure class="qr" id="${idOf('qr', slot)}" data-qr="${route}">${raw(qrSvg)}</figure>`
    : html`<div class="qr waiting" id="${idOf('qr-waiting', slot)}"><p>${state === 'open' ? w.alreadyLinked : w.waitingForQr}</p></div>`;
  return html`<section class="panel" aria-labelledby="${idOf('pair-heading', slot)}">
<h2 id="${idOf('pair-heading', slot)}">${named(w.linkHeading, slot)}</h2>
${state === 'logged_out' && html`<div class="alert bad" role="alert"><p><strong>${w.loggedOut}</strong>${w.loggedOutTodo}</p></div>`}
<div class="pair">
${qr}
<div>
<h3>${w.scanHeading}</h3>
<ol class="steps">
${w.scanSteps.map((step) => html`<li>${step}</li>`)}
</ol>
${opts.canPair && pairingForm(slot, pairing)}
</div>
</div>
</section>`;
}

/** The route's card in the overview's grid: its state and account. */
export function whatsappCard(slot: RouteSlot): Html {
  const { entry } = slot;
  const w = slot.t.whatsapp;
  const wa = w.states[entry.state];
  const web = entry.transport === 'web';
  return html`<section class="card" aria-labelledby="${idOf('wa-heading', slot)}"><h2 id="${idOf('wa-heading', slot)}">${named('WhatsApp', slot)}</h2>
<p><span class="badge ${TONES[entry.state]}" id="${idOf('wa-state', slot)}">${wa.label}</span></p>
<p class="value">${entry.account ?? (web ? w.notLinkedYet : w.cloudApi)}</p>
<p class="note">${web ? w.viaWeb : w.viaCloud} ${wa.note}</p></section>`;
}

/** Why a WhatsApp Web session is in its state, and its Unlink. */
export function whatsappDetailPanel(slot: RouteSlot): Html | false {
  const { detail, route } = slot.entry;
  if (slot.entry.transport !== 'web' || !detail) return false;
  const last = detail.lastDisconnect;
  const { t } = slot;
  const w = t.whatsapp;
  const id = (base: string) => idOf(base, slot);
  const unlink = slot.several ? `/admin/whatsapp/unlink?route=${route}` : '/admin/whatsapp/unlink';
  return html`<section class="panel" aria-labelledby="${id('wa-detail-heading')}">
<h2 id="${id('wa-detail-heading')}">${named(w.detailHeading, slot)}</h2>
<dl class="facts">
<div><dt>${w.state}</dt><dd id="${id('wa-detail-state')}">${w.states[detail.state].label}</dd></div>
<div><dt>${w.since}</dt><dd>${when(t, detail.since)}</dd></div>
<div><dt>${w.reconnects}</dt><dd id="${id('wa-attempts')}">${t.number(detail.attempt)}</dd></div>
<div><dt>${w.linkedDevice}</dt><dd>${detail.paired ? w.yes : w.no}</dd></div>
<div><dt>${w.lastDisconnect}</dt><dd id="${id('wa-last-disconnect')}">${last ? html`${last.code !== undefined ? `${last.code}: ${(w.disconnects as Partial<Record<number, string>>)[last.code] ?? w.seeLog}` : w.noDisconnectCode}${last.reason ? html` <span class="note">(${last.reason})</span>` : ''}, ${when(t, last.at)}` : w.noDisconnect}</dd></div>
</dl>
${detail.state === 'connecting' && detail.attempt > 2 && html`<div class="todo"><strong>${w.keepsFailing}</strong>${w.keepsFailingTodo}</div>`}
<div class="actions"><a class="button danger" href="${unlink}">${w.unlink(slot.several ? route : undefined)}</a><span class="note">${w.unlinkNote}</span></div>
</section>`;
}
