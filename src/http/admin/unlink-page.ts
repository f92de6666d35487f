import { html } from './escape.js';
import { renderConsolePage } from './layout.js';
import type { AdminTexts } from './texts.js';

/**
 * The confirmation before unlinking a WhatsApp Web session: what it does, and the form that does
 * it. `route` names the session when there are several (its name is part of the title).
 */
export function renderUnlinkPage(t: AdminTexts, opts: { csrf: string; nonce: string; route: string; several: boolean }): string {
  const u = t.unlink;
  const named = opts.several ? opts.route : undefined;
  const title = u.title(named);
  return renderConsolePage(t, {
    title,
    nonce: opts.nonce,
    section: 'overview',
    main: html`<h1>${title}</h1>
<p class="lead">${u.lead(named)}</p>
<section class="panel" aria-labelledby="unlink-heading">
<h2 id="unlink-heading">${u.heading}</h2>
<ul class="steps">
${u.steps(named).map((step) => html`<li>${step}</li>`)}
</ul>
<form method="post" action="/admin/whatsapp/unlink" class="actions">
<input type="hidden" name="csrf" value="${opts.csrf}">
<input type="hidden" name="route" value="${opts.route}">
<button type="submit" class="danger">${u.confirm}</button>
<a class="button" href="/admin">${t.jobs.cancel}</a>
</form>
</section>`,
  });
}
