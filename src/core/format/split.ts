import { FENCE, findCodeFences, type FenceRange } from './code-fence.js';

/** Smallest `maxChars` accepted: room for a reopened and a closed fence and a few characters. */
export const MIN_SPLIT_CHARS = 16;

/** WhatsApp's limit for a text message body. */
export const WHATSAPP_TEXT_MAX = 4096;

/** A cut at a boundary is only taken if the part is at least this full; else the next level is tried. */
const MIN_FILL = 0.3;

/** Slack decodes only these three; a cut must not land inside one. */
const ENTITY = /^&(?:amp|lt|gt);/;

/**
 * Splits `text` into parts of at most `maxChars` UTF-16 code units (what `.length` counts, which
 * is never less than the characters Slack or WhatsApp count), preferring, in order: a paragraph break, a line break,
 * a space, and only then a hard cut. A hard cut falls on a grapheme boundary when one is in
 * reach, and never inside a surrogate pair, an `&amp;`/`&lt;`/`&gt;` entity or a ``` fence.
 *
 * A part that ends inside a code block is closed with ``` and the next part reopens it, so
 * every part renders on its own. The separator a cut falls on (blank lines, a newline, a space)
 * is dropped; blank parts are not returned.
 */
export function splitText(text: string, maxChars: number): string[] {
  if (!Number.isInteger(maxChars) || maxChars < MIN_SPLIT_CHARS) {
    throw new RangeError(`maxChars must be an integer >= ${MIN_SPLIT_CHARS}, got ${maxChars}`);
  }
  const fences = findCodeFences(text);
  const parts: string[] = [];
  let pos = 0;
  let reopen = false;
  while (pos < text.length) {
    const prefix = reopen ? FENCE : '';
    const budget = maxChars - prefix.length;
    if (text.length - pos <= budget) {
      pushPart(parts, prefix + text.slice(pos));
      break;
    }
    let cut = chooseCut(text, pos, pos + budget, fences);
    let fence = fenceAround(fences, cut);
    if (fence) {
      // Room for the closing fence; the cut may then move out of the block, which is fine.
      cut = chooseCut(text, pos, pos + budget - FENCE.length, fences);
      fence = fenceAround(fences, cut);
    }
    pushPart(parts, prefix + text.slice(pos, cut) + (fence ? FENCE : ''));
    pos = skipSeparator(text, cut);
    reopen = fence !== undefined;
    if (fence && pos >= fence.innerEnd) {
      // Only the closing fence (and perhaps its separator) is left of this block: it was
      // already closed above, so skip it rather than open an empty block.
      pos = skipSeparator(text, fence.end);
      reopen = false;
    }
  }
  return parts;
}

function pushPart(parts: string[], part: string): void {
  if (part.trim() !== '') parts.push(part);
}

/**
 * The code block a cut at `index` would leave open: one whose content starts before the cut
 * and whose closing fence is not before it (a cut right before the closing fence still leaves
 * the block open in the part).
 */
function fenceAround(fences: FenceRange[], index: number): FenceRange | undefined {
  let lo = 0;
  let hi = fences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = fences[mid];
    if (!f) break;
    if (index < f.innerStart) hi = mid - 1;
    else if (index > f.innerEnd) lo = mid + 1;
    else return f;
  }
  return undefined;
}

/** A cut before `index` keeps pairs, entities and fences whole and leaves no empty code block. */
function isSafeCut(text: string, index: number, fences: FenceRange[]): boolean {
  const code = text.charCodeAt(index);
  if (code >= 0xdc00 && code <= 0xdfff) return false;
  for (let a = Math.max(0, index - 4); a < index; a++) {
    if (text[a] === '&') {
      const m = ENTITY.exec(text.slice(a, a + 5));
      if (m && a + m[0].length > index) return false;
    }
  }
  for (let a = Math.max(0, index - 2); a < index; a++) {
    if (text.startsWith(FENCE, a) && a + FENCE.length > index) return false;
  }
  const fence = fenceAround(fences, index);
  return !(fence && index === fence.innerStart);
}

/** Cut position in (pos, limit]; `limit` < text.length. */
function chooseCut(text: string, pos: number, limit: number, fences: FenceRange[]): number {
  const minCut = pos + Math.max(1, Math.floor((limit - pos) * MIN_FILL));
  const boundaries: RegExp[] = [/\n[ \t]*\n/g, /\n/g, /\s/g];
  for (const boundary of boundaries) {
    const cut = lastMatchStart(text, pos, limit, minCut, boundary, fences);
    if (cut !== undefined) return cut;
  }
  return hardCut(text, pos, limit, fences);
}

/** Start of the last `pattern` match beginning in [minCut, limit]. */
function lastMatchStart(
  text: string,
  pos: number,
  limit: number,
  minCut: number,
  pattern: RegExp,
  fences: FenceRange[],
): number | undefined {
  const window = text.slice(pos, limit + 1);
  let found: number | undefined;
  for (const m of window.matchAll(pattern)) {
    const at = pos + m.index;
    if (at >= minCut && at <= limit && isSafeCut(text, at, fences)) found = at;
  }
  return found;
}

// Made on the first hard cut, not at import: a Segmenter pages in ICU's break data (~4 MiB of RSS)
// that a service relaying only short messages never needs.
let graphemes: Intl.Segmenter | undefined;
const GRAPHEME_LOOKAHEAD = 64;

function hardCut(text: string, pos: number, limit: number, fences: FenceRange[]): number {
  // Grapheme boundaries first, so a flag or a family emoji is not split into its pieces. The
  // window reaches past the limit so the cluster straddling it is seen whole, not as a fragment.
  const window = text.slice(pos, limit + GRAPHEME_LOOKAHEAD);
  let best: number | undefined;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const seg of graphemes.segment(window)) {
    const at = pos + seg.index;
    if (at > limit) break;
    if (at > pos && isSafeCut(text, at, fences)) best = at;
  }
  if (best !== undefined && best > pos + (limit - pos) / 2) return best;
  for (let at = limit; at > pos; at--) {
    if (isSafeCut(text, at, fences)) return at;
  }
  // Unreachable with maxChars >= MIN_SPLIT_CHARS; a cut must still make progress.
  return limit;
}

function skipSeparator(text: string, cut: number): number {
  const m = /^(?:\n[ \t]*)+|^[ \t]/.exec(text.slice(cut, cut + 64));
  return cut + (m ? m[0].length : 0);
}

export interface SlackPlanOptions {
  /** Characters per section block's text (Block Kit: 3,000). */
  sectionMax: number;
  /** Section blocks per message (Block Kit: 50); lower it to leave room for other blocks. */
  blocksMax: number;
  /** Characters summed over one message's sections; see VENDOR-FACTS on msg_blocks_too_long. */
  messageTextMax: number;
}

export const DEFAULT_SLACK_PLAN: SlackPlanOptions = { sectionMax: 3000, blocksMax: 50, messageTextMax: 12000 };

/**
 * Plans a long mrkdwn text as Slack messages, each a list of section texts: every section
 * ≤ `sectionMax`, every message ≤ `blocksMax` sections and ≤ `messageTextMax` characters in
 * total, so long content spreads over several messages, not only over blocks.
 */
export function planSlackMessages(text: string, options: Partial<SlackPlanOptions> = {}): string[][] {
  const opts = { ...DEFAULT_SLACK_PLAN, ...options };
  if (!Number.isInteger(opts.blocksMax) || opts.blocksMax < 1) {
    throw new RangeError(`blocksMax must be a positive integer, got ${opts.blocksMax}`);
  }
  const sectionMax = Math.min(opts.sectionMax, opts.messageTextMax);
  const messages: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const chunk of splitText(text, sectionMax)) {
    if (current.length > 0 && (current.length >= opts.blocksMax || size + chunk.length > opts.messageTextMax)) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(chunk);
    size += chunk.length;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

/** Splits a text for WhatsApp's 4,096-character message limit. */
export function splitForWhatsApp(text: string): string[] {
  return splitText(text, WHATSAPP_TEXT_MAX);
}
