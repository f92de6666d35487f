import { html, toString, type Html } from './escape.js';
import { pageHead, pageTop, type ConsoleSection } from './shell.js';
import type { AdminTexts } from './texts.js';

/** A console page without script: head, top bar with navigation, main, footer. */
export function renderConsolePage(t: AdminTexts, opts: { title: string; nonce: string; section: ConsoleSection; main: Html; foot?: string }): string {
  return toString(html`<!doctype html>
<html lang="${t.lang}">
${pageHead({ title: t.shell.title(opts.title), nonce: opts.nonce })}
<body>
${pageTop(t, undefined, opts.section)}
<main id="main">
${opts.main}
</main>
<footer class="foot"><p>${opts.foot ?? t.shell.timesUtc}</p></footer>
</body>
</html>
`);
}

/** The answer to a refused or impossible action (403, 404, 409): what happened and the way back. */
export function renderProblemPage(t: AdminTexts, opts: { nonce: string; section: ConsoleSection; title: string; text: string; back: { href: string; label: string } }): string {
  return renderConsolePage(t, {
    title: opts.title,
    nonce: opts.nonce,
    section: opts.section,
    main: html`<h1>${opts.title}</h1>
<div class="alert bad" role="alert"><p>${opts.text}</p></div>
<p><a class="button" href="${opts.back.href}">${opts.back.label}</a></p>`,
  });
}
