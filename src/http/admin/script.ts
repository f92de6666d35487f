/**
 * The page's only script: it polls status.json, follows the rotating QR in place and reloads the
 * page when the layout would change (new state, new failures). The page works without it; this
 * only saves the operator from pressing reload while pairing. It carries no words of its own: what
 * it says (the server not answering, signed out) comes in the page's `data-text-*` attributes, in
 * the page's LOCALE, and numbers are written in the page's `lang`.
 */
export function refreshScript(fastMs: number, slowMs: number): string {
  return `(() => {
  const body = document.body;
  // Each route as route:state when the page was drawn; a change in any redraws the page.
  const shown = body.dataset.routes;
  // A pairing code on screen must stay readable: only its session's successful connection replaces it.
  const hold = body.dataset.hold === 'true';
  const holdRoute = body.dataset.holdRoute;
  const every = body.dataset.poll === 'fast' ? ${Math.round(fastMs)} : ${Math.round(slowMs)};
  const pick = (o, path) => path.split('.').reduce((v, k) => (v == null ? v : v[k]), o);
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  // A live region, on the page from the start so that screen readers announce what comes into it.
  const note = document.getElementById('poll-note');
  // Says why the figures stopped following (or nothing while they follow).
  const say = (text) => {
    if (!note || note.textContent === text) return;
    if (!text) return note.replaceChildren();
    const p = document.createElement('p');
    p.className = 'alert warn';
    p.textContent = text;
    note.replaceChildren(p);
  };
  const tick = async () => {
    try {
      const res = await fetch('/admin/status.json', { cache: 'no-store', headers: { accept: 'application/json' } });
      if (res.status === 401) return say(body.dataset.textSignedOut || '');
      say(res.ok ? '' : body.dataset.textOffline || '');
      if (res.ok) {
        const s = await res.json();
        // One box per WhatsApp Web session showing a QR, in the routes' order.
        const boxes = [...document.querySelectorAll('[data-qr]')];
        const states = s.routes.map((r) => r.route + ':' + r.state).join(',');
        const qrs = s.routes.filter((r) => r.qrSvg).map((r) => r.route).join(',');
        const changed = states !== shown || qrs !== boxes.map((b) => b.dataset.qr).join(',') || s.failures.map((f) => f.id).join(',') !== body.dataset.failures;
        const held = s.routes.find((r) => r.route === holdRoute);
        if (changed && (!hold || (held && held.state === 'open'))) return location.replace('/admin');
        for (const el of document.querySelectorAll('[data-field]')) {
          const v = pick(s, el.dataset.field);
          if (v != null) el.textContent = typeof v === 'number' ? numbers.format(v) : String(v);
        }
        for (const box of boxes) {
          const r = s.routes.find((x) => x.route === box.dataset.qr);
          if (!r || !r.qrSvg) continue;
          // Only a new QR replaces the one shown: the same one drawn again would be a flicker.
          const drawn = document.createElement('template');
          drawn.innerHTML = r.qrSvg;
          if (!drawn.content.firstElementChild.isEqualNode(box.firstElementChild)) box.replaceChildren(drawn.content);
        }
      }
    } catch {
      // The server restarting is not the page's problem: say so, and try again next time.
      say(body.dataset.textOffline || '');
    }
    setTimeout(tick, every);
  };
  setTimeout(tick, every);
})();`;
}
