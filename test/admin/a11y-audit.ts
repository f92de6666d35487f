/**
 * A small accessibility audit run inside the page (no axe-core: no new dependencies). It is a
 * string, not a function, because the test file is compiled for Node and the browser gets the text.
 * It returns a list of problems; an empty list passes.
 */
export const A11Y_AUDIT = String.raw`(() => {
  const problems = [];
  const text = (el) => (el ? el.textContent || '' : '').replace(/\s+/g, ' ').trim();
  const hidden = (el) => el.closest('[aria-hidden="true"]') !== null;
  const byIds = (ids) => (ids || '').split(/\s+/).filter(Boolean).map((id) => text(document.getElementById(id))).join(' ').trim();
  const accessibleName = (el) =>
    (el.getAttribute('aria-label') || '').trim() ||
    byIds(el.getAttribute('aria-labelledby')) ||
    (el.getAttribute('alt') || '').trim() ||
    (el.tagName.toLowerCase() === 'svg' ? text(el.querySelector(':scope > title')) : '') ||
    (el.getAttribute('title') || '').trim();

  if (!document.documentElement.lang) problems.push('<html> has no lang');
  if (!document.title.trim()) problems.push('the page has no title');
  for (const tag of ['header', 'main', 'footer']) {
    if (document.querySelectorAll(tag).length !== 1) problems.push('expected exactly one <' + tag + '>');
  }

  for (const el of document.querySelectorAll('img, svg, [role="img"]')) {
    if (hidden(el) || (el.tagName.toLowerCase() === 'img' && el.getAttribute('alt') === '')) continue;
    if (!accessibleName(el)) problems.push('<' + el.tagName.toLowerCase() + '> without an accessible name');
  }
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const labelled = (el.labels && [...el.labels].some((l) => text(l))) || accessibleName(el);
    if (!labelled) problems.push('form field "' + (el.name || el.id) + '" without a label');
  }
  for (const el of document.querySelectorAll('button, a[href], [role="button"]')) {
    if (!text(el) && !accessibleName(el)) problems.push('<' + el.tagName.toLowerCase() + '> without a name');
  }

  const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter((h) => !hidden(h)).map((h) => Number(h.tagName[1]));
  if (levels.filter((l) => l === 1).length !== 1) problems.push('expected exactly one h1, found ' + levels.filter((l) => l === 1).length);
  if (levels[0] !== 1) problems.push('the first heading is not an h1');
  levels.forEach((l, i) => { if (i > 0 && l > levels[i - 1] + 1) problems.push('heading levels skip from h' + levels[i - 1] + ' to h' + l); });

  const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
  for (const id of new Set(ids)) if (ids.filter((x) => x === id).length > 1) problems.push('duplicate id "' + id + '"');
  for (const el of document.querySelectorAll('[aria-labelledby], [aria-describedby], label[for]')) {
    const refs = [el.getAttribute('aria-labelledby'), el.getAttribute('aria-describedby'), el.getAttribute('for')].join(' ');
    for (const id of refs.split(/\s+/).filter(Boolean)) if (!document.getElementById(id)) problems.push('reference to missing id "' + id + '"');
  }

  // WCAG contrast of every visible piece of text against the first opaque background behind it.
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.9)) return c;
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || hidden(el) || el.getClientRects().length === 0 || el.closest('.sr-only, .skip, noscript, script, style')) continue;
    const style = getComputedStyle(el);
    const fg = rgb(style.color);
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push('contrast ' + ratio.toFixed(2) + ':1 for "' + text(el).slice(0, 40) + '"');
  }
  return problems;
})()`;
