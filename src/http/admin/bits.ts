import { formatInternational } from '../../core/format/phone.js';
import { html, type Html } from './escape.js';

/** A time as UTC minutes, machine-readable in `datetime`. */
export function when(at: number | null | undefined): Html {
  if (at === null || at === undefined || !Number.isFinite(at)) return html`<span class="note">unknown</span>`;
  const iso = new Date(at).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
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
