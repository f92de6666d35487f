import { html, raw, type Html } from './escape.js';
import { STYLES } from './styles.js';

/** The `<head>` every admin page shares: the inline style under this response's CSP nonce. */
export function pageHead(opts: { title: string; nonce: string; extra?: Html | false }): Html {
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${opts.title}</title>
<link rel="icon" href="data:,">
${opts.extra}
<style nonce="${opts.nonce}">${raw(STYLES)}</style>
</head>`;
}

/** The skip link and the top bar with the brand; `meta` is the bar's right-hand line. */
export function pageTop(meta?: Html): Html {
  return html`<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="bar">
<p class="brand"><span class="mark" aria-hidden="true">S</span>Switchboard <span class="tag">Operator console</span></p>
${meta}
</div></header>`;
}
