/**
 * The page's only script: it polls status.json, follows the rotating QR in place and reloads the
 * page when the layout would change (new state, new failures). The page works without it; this
 * only saves the operator from pressing reload while pairing.
 */
export function refreshScript(fastMs: number, slowMs: number): string {
  return `(() => {
  const body = document.body;
  const shown = body.dataset.state;
  // A pairing code on screen must stay readable: only a successful connection replaces it.
  const hold = body.dataset.hold === 'true';
  const every = body.dataset.poll === 'fast' ? ${Math.round(fastMs)} : ${Math.round(slowMs)};
  const pick = (o, path) => path.split('.').reduce((v, k) => (v == null ? v : v[k]), o);
  let svg = null;
  const tick = async () => {
    try {
      const res = await fetch('/admin/status.json', { cache: 'no-store', headers: { accept: 'application/json' } });
      if (res.status === 401) return;
      if (res.ok) {
        const s = await res.json();
        const box = document.getElementById('qr');
        const changed = s.whatsapp.state !== shown || Boolean(s.whatsapp.qrSvg) !== Boolean(box) || s.failures.map((f) => f.id).join(',') !== body.dataset.failures;
        if (changed && (!hold || s.whatsapp.state === 'open')) return location.replace('/admin');
        for (const el of document.querySelectorAll('[data-field]')) {
          const v = pick(s, el.dataset.field);
          if (v != null) el.textContent = String(v);
        }
        if (box && s.whatsapp.qrSvg && s.whatsapp.qrSvg !== svg) box.innerHTML = svg = s.whatsapp.qrSvg;
      }
    } catch {
      // The server restarting is not the page's problem: try again next time.
    }
    setTimeout(tick, every);
  };
  setTimeout(tick, every);
})();`;
}
