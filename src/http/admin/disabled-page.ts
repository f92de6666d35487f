import { html, toString, withCode } from './escape.js';
import { pageHead, pageTop } from './shell.js';
import type { AdminTexts } from './texts.js';

/**
 * What /admin shows while ADMIN_TOKEN is unset: how to turn it on, and nothing about the service's
 * state (nobody has signed in). Same look and CSP as the console: inline style under a nonce, no script.
 */
export function renderDisabledPage(t: AdminTexts, opts: { nonce: string }): string {
  const d = t.disabled;
  return toString(html`<!doctype html>
<html lang="${t.lang}">
${pageHead({ title: d.title, nonce: opts.nonce })}
<body>
${pageTop(t)}
<main id="main">
<h1>${d.heading}</h1>
<p class="lead">${withCode(d.lead)}</p>
<section class="panel" aria-labelledby="enable-heading">
<h2 id="enable-heading">${d.enableHeading}</h2>
<ol class="steps">
${d.steps.map((step) => html`<li>${withCode(step)}</li>`)}
</ol>
<p class="note">${withCode(d.note)}</p>
</section>
</main>
<footer class="foot"><p>${d.foot}</p></footer>
</body>
</html>
`);
}
