import { formatInternational } from '../../core/format/phone.js';
import { chatLabel, when } from './bits.js';
import { html, type Html } from './escape.js';
import { renderConsolePage } from './layout.js';
import type { ConversationSummary } from './types.js';

export interface ConversationRow extends ConversationSummary {
  /** The card's thread in Slack, when it has one. */
  threadUrl?: string;
}

/** Only web links become hrefs: the ticket URL comes from Jira. */
const webUrl = (url: string) => (/^https?:\/\//i.test(url) ? url : '#');

function title(c: ConversationRow): string {
  if (c.name) return c.name;
  if (c.username) return `@${c.username}`;
  return c.phone ? formatInternational(c.phone) : chatLabel(c.chatId);
}

function item(c: ConversationRow): Html {
  const number = c.phone ? formatInternational(c.phone) : undefined;
  return html`<li class="item" data-chat="${c.chatId}">
<h3>${title(c)}${c.isGroup ? ' (group)' : ''}</h3>
<dl class="facts">
${number && html`<div><dt>Number</dt><dd>${number}</dd></div>`}
${c.username && html`<div><dt>Username</dt><dd>@${c.username}</dd></div>`}
<div><dt>Ticket</dt><dd>${c.ticket ? html`<a href="${webUrl(c.ticket.url)}" rel="noreferrer">${c.ticket.key}</a>${c.ticket.done ? ' (resolved)' : ''}` : html`<span class="note">none</span>`}</dd></div>
<div><dt>Last activity</dt><dd>${when(c.lastActivityAt)}</dd></div>
<div><dt>Via</dt><dd>${c.transport === 'web' ? 'WhatsApp Web' : 'Cloud API'}</dd></div>
</dl>
<div class="actions">${c.threadUrl ? html`<a class="button" href="${c.threadUrl}" rel="noreferrer">Open the Slack thread<span class="sr-only"> of ${title(c)}</span></a>` : html`<span class="note">No Slack card yet.</span>`}</div>
</li>`;
}

export function renderConversationsPage(data: { query: string; page: number; rows: ConversationRow[]; hasMore: boolean }, nonce: string): string {
  const { query, page, rows, hasMore } = data;
  const link = (p: number) => `/admin/conversations?${new URLSearchParams({ ...(query ? { q: query } : {}), ...(p > 1 ? { page: String(p) } : {}) }).toString()}`;
  return renderConsolePage({
    title: query ? `Conversations matching “${query}”` : 'Conversations',
    nonce,
    section: 'conversations',
    main: html`<h1>Conversations</h1>
<p class="lead">Every WhatsApp contact the bridge knows, the latest activity first, with its Slack thread and ticket.</p>
<form method="get" action="/admin/conversations" class="search" role="search">
<div><label for="q">Name, number or username</label>
<input id="q" name="q" type="search" value="${query}" autocomplete="off" maxlength="100"></div>
<button type="submit">Search</button>
${query && html`<a class="button" href="/admin/conversations">Show all</a>`}
</form>
<section class="panel" aria-labelledby="list-heading">
<h2 id="list-heading">${query ? `Matching “${query}”` : 'All conversations'}${page > 1 ? `, page ${page}` : ''}</h2>
${rows.length === 0 ? html`<p class="empty">${query ? 'No conversation matches.' : 'No conversations yet.'}</p>` : html`<ul class="items" aria-labelledby="list-heading">${rows.map(item)}</ul>`}
${(page > 1 || hasMore) && html`<nav class="pager" aria-label="Pages">${page > 1 ? html`<a class="button" href="${link(page - 1)}" rel="prev">Previous page</a>` : html`<span></span>`}${hasMore && html`<a class="button" href="${link(page + 1)}" rel="next">Next page</a>`}</nav>`}
</section>`,
  });
}
