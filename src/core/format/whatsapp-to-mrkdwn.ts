import { FENCE, findCodeFences } from './code-fence.js';

/**
 * Slack's three control characters become entities, `&` first so an entity the sender typed
 * ("&lt;") stays visible as typed instead of turning into "<". With no raw `<` left, nothing
 * from WhatsApp can form `<!channel>`, `<@U…>`, `<#C…>`, `<!date…>` or a disguised
 * `<https://evil|https://bank>` link.
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function escapeMrkdwn(text: string): string {
  return neutraliseBroadcasts(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/**
 * A bare "@here" only notifies when the poster asks Slack to link names (`link_names=1` or
 * `parse=full`; the bridge sets neither), but mrkdwn text objects with `verbatim: false`
 * (their default) are documented to "automatically parse certain mentions". A WORD JOINER
 * (U+2060, invisible) after the "@" keeps the words readable and makes sure they can never
 * match, whichever way a message is posted.
 */
const BROADCAST = /(^|[^\p{L}\p{N}_@])@(here|channel|everyone|group)(?![\p{L}\p{N}_])/giu;
const WORD_JOINER = '\u2060';

function neutraliseBroadcasts(text: string): string {
  return text.replace(BROADCAST, (_m, before: string, word: string) => `${before}@${WORD_JOINER}${word}`);
}

/**
 * WhatsApp text → Slack mrkdwn that can only ever display, never ping or link.
 *
 * - `*bold*`, `_italic_`, `~strike~` and `` `code` `` are written the same way in both, so
 *   they pass through (escaping leaves them alone).
 * - ```` ```mono``` ```` stays a Slack code block; only line-level conversions are skipped
 *   inside it, escaping is not (Slack decodes entities in code too).
 * - `> quote` lines become Slack quotes. The quote marker is recognised on the raw text and
 *   written as a literal `>`; only the rest of the line is escaped. Escaping first would leave
 *   "&gt; " behind and conversion would have to guess which `&gt;` were typed.
 * - `* item` / `- item` bullets become "• item" (mrkdwn has no list syntax, and a leading
 *   `*` could pair with a later one into bold); `1. item` is kept as typed.
 */
export function whatsappToMrkdwn(text: string): string {
  const source = text.replace(/\r\n?/g, '\n');
  const out: string[] = [];
  let at = 0;
  for (const fence of findCodeFences(source)) {
    out.push(convertPlain(source.slice(at, fence.start), isLineStart(source, at)));
    out.push(FENCE + escapeMrkdwn(source.slice(fence.innerStart, fence.innerEnd)) + FENCE);
    at = fence.end;
  }
  out.push(convertPlain(source.slice(at), isLineStart(source, at)));
  return out.join('');
}

function isLineStart(text: string, index: number): boolean {
  return index === 0 || text[index - 1] === '\n';
}

const QUOTE = /^> ?(.*)$/s;
const BULLET = /^([ \t]*)[*-][ \t]+(.*)$/s;

function convertPlain(segment: string, startsAtLineStart: boolean): string {
  return segment
    .split('\n')
    .map((line, i) => (i > 0 || startsAtLineStart ? convertLine(line) : escapeMrkdwn(line)))
    .join('\n');
}

function convertLine(line: string): string {
  const quote = QUOTE.exec(line);
  // ">" alone or ">text" is also how people quote by hand; an empty ">" line stays literal.
  if (quote && quote[1] !== undefined && quote[1].trim() !== '') return `> ${escapeMrkdwn(quote[1])}`;
  const bullet = BULLET.exec(line);
  if (bullet && bullet[1] !== undefined && bullet[2] !== undefined && bullet[2].trim() !== '') {
    return `${bullet[1]}• ${escapeMrkdwn(bullet[2])}`;
  }
  return escapeMrkdwn(line);
}
