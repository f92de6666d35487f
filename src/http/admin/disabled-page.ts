import { html, toString } from './escape.js';
import { pageHead, pageTop } from './shell.js';

/**
 * What /admin shows while ADMIN_TOKEN is unset: how to turn it on, and nothing about the service's
 * state (nobody has signed in). Same look and CSP as the console: inline style under a nonce, no script.
 */
export function renderDisabledPage(opts: { nonce: string }): string {
  return toString(html`<!doctype html>
<html lang="en">
${pageHead({ title: 'Admin page is off · Switchboard', nonce: opts.nonce })}
<body>
${pageTop()}
<main id="main">
<h1>The admin page is off</h1>
<p class="lead">It opens only with a secret to sign in with, and none is set: <code>ADMIN_TOKEN</code> is empty.</p>
<section class="panel" aria-labelledby="enable-heading">
<h2 id="enable-heading">Turn it on</h2>
<ol class="steps">
<li>Put a secret of at least 16 characters in <code>ADMIN_TOKEN</code>, in <code>.env</code> or the service's environment. For example, make one with <code>openssl rand -hex 24</code>.</li>
<li>Restart Switchboard.</li>
<li>Open this page again. The browser asks for a user name and password: enter the token as the password (any user name will do).</li>
</ol>
<p class="note">Scripts can send the token as <code>Authorization: Bearer &lt;token&gt;</code> instead. The README's "Configuration" and "WhatsApp Web" sections say more.</p>
</section>
</main>
<footer class="foot"><p>Nothing about the service is shown here until the page is on and someone has signed in.</p></footer>
</body>
</html>
`);
}
