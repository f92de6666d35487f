import { html } from './escape.js';
import { renderConsolePage } from './layout.js';

/** The confirmation before unlinking WhatsApp Web: what it does, and the form that does it. */
export function renderUnlinkPage(csrf: string, nonce: string): string {
  return renderConsolePage({
    title: 'Unlink WhatsApp Web?',
    nonce,
    section: 'overview',
    main: html`<h1>Unlink WhatsApp Web?</h1>
<p class="lead">Switchboard logs this linked device out of the support phone's WhatsApp and forgets the session.</p>
<section class="panel" aria-labelledby="unlink-heading">
<h2 id="unlink-heading">What happens</h2>
<ul class="steps">
<li>No WhatsApp messages are relayed until a phone is linked again.</li>
<li>A new QR code appears on the overview page; scan it with the phone to link again (the same phone or another).</li>
<li>Replies written in Slack meanwhile are retried for a while; any that give up are listed under Jobs, to retry once linked.</li>
</ul>
<form method="post" action="/admin/whatsapp/unlink" class="actions">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="danger">Yes, unlink</button>
<a class="button" href="/admin">Cancel</a>
</form>
</section>`,
  });
}
