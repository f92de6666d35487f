import { formatInternational } from '../../core/format/phone.js';
import { chatLabel, when } from './bits.js';
import { html, type Html } from './escape.js';
import { renderConsolePage } from './layout.js';
import type { AdminTexts } from './texts.js';
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

function item(t: AdminTexts, c: ConversationRow): Html {
  const s = t.conversations;
  const number = c.phone ? formatInternational(c.phone) : undefined;
  return html`<li class="item" data-chat="${c.chatId}">
<h3>${title(c)}${c.isGroup ? s.group : ''}</h3>
<dl class="facts">
${number && html`<div><dt>${s.number}</dt><dd>${number}</dd></div>`}
${c.username && html`<div><dt>${s.username}</dt><dd>@${c.username}</dd></div>`}
<div><dt>${s.ticket}</dt><dd>${c.ticket ? html`<a href="${webUrl(c.ticket.url)}" rel="noreferrer">${c.ticket.key}</a>${c.ticket.done ? s.resolved : ''}` : html`<span class="note">${s.none}</span>`}</dd></div>
<div><dt>${s.lastActivity}</dt><dd>${when(t, c.lastActivityAt)}</dd></div>
<div><dt>${s.via}</dt><dd>${c.transport === 'web' ? s.web : s.cloud}</dd></div>
</dl>
<div class="actions">${c.threadUrl ? html`<a class="button" href="${c.threadUrl}" rel="noreferrer">${s.openThread}<span class="sr-only">${s.srOf(title(c))}</span></a>` : html`<span class="note">${s.noCard}</span>`}</div>
</li>`;
}

export function renderConversationsPage(t: AdminTexts, data: { query: string; page: number; rows: ConversationRow[]; hasMore: boolean }, nonce: string): string {
  const { query, page, rows, hasMore } = data;
  const s = t.conversations;
  const link = (p: number) => `/admin/conversations?${new URLSearchParams({ ...(query ? { q: query } : {}), ...(p > 1 ? { page: String(p) } : {}) }).toString()}`;
  return renderConsolePage(t, {
    title: query ? s.titleMatching(query) : s.title,
    nonce,
    section: 'conversations',
    main: html`<h1>${s.title}</h1>
<p class="lead">${s.lead}</p>
<form method="get" action="/admin/conversations" class="search" role="search">
<div><label for="q">${s.searchLabel}</label>
<input id="q" name="q" type="search" value="${query}" autocomplete="off" maxlength="100"></div>
<button type="submit">${s.search}</button>
${query && html`<a class="button" href="/admin/conversations">${s.showAll}</a>`}
</form>
<section class="panel" aria-labelledby="list-heading">
<h2 id="list-heading">${query ? s.matching(query) : s.all}${page > 1 ? s.page(page) : ''}</h2>
${rows.length === 0 ? html`<p class="empty">${query ? s.noMatch : s.noneYet}</p>` : html`<ul class="items" aria-labelledby="list-heading">${rows.map((row) => item(t, row))}</ul>`}
${(page > 1 || hasMore) && html`<nav class="pager" aria-label="${s.pages}">${page > 1 ? html`<a class="button" href="${link(page - 1)}" rel="prev">${s.previous}</a>` : html`<span></span>`}${hasMore && html`<a class="button" href="${link(page + 1)}" rel="next">${s.next}</a>`}</nav>`}
</section>`,
  });
}
