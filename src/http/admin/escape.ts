/**
 * HTML built only through the `html` tag: every interpolated value is escaped unless it was
 * deliberately wrapped in `raw()`, so forgetting to escape is not a thing one can do by accident.
 */

const HTML = Symbol('html');

export interface Html {
  readonly [HTML]: string;
}

type Part = Html | string | number | false | null | undefined | readonly Part[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Marks markup we produced ourselves (the QR code's SVG, the inline CSS and script) as trusted. */
export function raw(markup: string): Html {
  return { [HTML]: markup };
}

function render(part: Part): string {
  if (part === false || part === null || part === undefined) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (typeof part === 'object') return (part as Html)[HTML];
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return raw(out);
}

export function toString(markup: Html): string {
  return markup[HTML];
}

/** A catalogue text with its `names` in backticks shown as code; everything else escaped. */
export function withCode(text: string): Html {
  return raw(escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>'));
}
