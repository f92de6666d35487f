import { html, raw, type Html } from './escape.js';
import { CONSOLE_STYLES, STYLES } from './styles.js';
import type { AdminSection, AdminTexts } from './texts.js';

/** The `<head>` every admin page shares: the inline style under this response's CSP nonce. */
export function pageHead(opts: { title: string; nonce: string; extra?: Html | false }): Html {
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${opts.title}</title>
<link rel="icon" href="data:,">
${opts.extra}
<style nonce="${opts.nonce}">${raw(STYLES + CONSOLE_STYLES)}</style>
</head>`;
}

export type ConsoleSection = AdminSection;

const SECTIONS: Array<[ConsoleSection, string]> = [
  ['overview', '/admin'],
  ['conversations', '/admin/conversations'],
  ['jobs', '/admin/jobs'],
];

/**
 * The skip link and the top bar with the brand; `meta` is the bar's right-hand line. `section`
 * adds the console's navigation (signed-in pages only).
 */
export function pageTop(t: AdminTexts, meta?: Html, section?: ConsoleSection): Html {
  return html`<a class="skip" href="#main">${t.shell.skip}</a>
<header class="top"><div class="bar">
<p class="brand"><span class="mark" aria-hidden="true">S</span>Switchboard <span class="tag">${t.shell.brandTag}</span></p>
${meta}
</div>
${section && html`<nav class="nav" aria-label="${t.shell.navLabel}"><ul>${SECTIONS.map(([id, href]) => html`<li><a href="${href}"${raw(id === section ? ' aria-current="page"' : '')}>${t.shell.sections[id]}</a></li>`)}</ul></nav>`}
</header>`;
}
