import { html } from './escape.js';
import { renderConsolePage } from './layout.js';

/**
 * The confirmation before unlinking a WhatsApp Web session: what it does, and the form that does
 * it. `route` names the session when there are several (its name is part of the title).
 */
export function renderUnlinkPage(opts: { csrf: string; nonce: string; route: string; several: boolean }): string {
  const title = opts.several ? `Unlink WhatsApp Web (${opts.route})?` : 'Unlink WhatsApp Web?';
  return renderConsolePage({
    title,
    nonce: opts.nonce,
    section: 'overview',
    main: html`<h1>${title}</h1>
<p class="lead">Switchboard logs this linked device out of ${opts.several ? `the WhatsApp of the ${opts.route} route's phone` : "the support phone's WhatsApp"} and forgets the session.</p>
<section class="panel" aria-labelledby="unlink-heading">
<h2 id="unlink-heading">What happens</h2>
<ul class="steps">
<li>No WhatsApp messages are relayed ${opts.several ? 'for this route ' : ''}until a phone is linked again.</li>
<li>A new QR code appears on the overview page; scan it with the phone to link again (the same phone or another).</li>
<li>Replies written in Slack meanwhile are retried for a while; any that give up are listed under Jobs, to retry once linked.</li>
</ul>
<form method="post" action="/admin/whatsapp/unlink" class="actions">
<input type="hidden" name="csrf" value="${opts.csrf}">
<input type="hidden" name="route" value="${opts.route}">
<button type="submit" class="danger">Yes, unlink</button>
<a class="button" href="/admin">Cancel</a>
</form>
</section>`,
  });
}
