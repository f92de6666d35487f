import { formatInternational } from '../../core/format/phone.js';
import { html, type Html } from './escape.js';
import type { AdminTexts } from './texts.js';

/** A time as UTC minutes in the page's locale, machine-readable in `datetime`. */
export function when(t: AdminTexts, at: number | null | undefined): Html {
  if (at === null || at === undefined || !Number.isFinite(at)) return html`<span class="note">${t.unknownTime}</span>`;
  return html`<time datetime="${new Date(at).toISOString()}">${t.time(at)}</time>`;
}

/** The chat id in a job's lane (`chat:<id>`, `jira:<id>`); undefined for the bridge's own lane. */
export function laneChat(lane: string): string | undefined {
  const match = /^(?:chat|jira):(.+)$/.exec(lane);
  return match?.[1];
}

/** A chat id as people read it: a number grouped as its country does, anything else (a group id) as it is. */
export function chatLabel(chatId: string): string {
  return /^\d{6,15}$/.test(chatId) ? formatInternational(chatId) : chatId;
}

/** A job's conversation, linked to its entry in the conversation list. */
export function laneLink(lane: string): Html {
  const chat = laneChat(lane);
  if (!chat) return html`<code>${lane}</code>`;
  return html`<a href="/admin/conversations?q=${encodeURIComponent(chat)}">${chatLabel(chat)}</a>`;
}
