import { FENCE, findCodeFences } from './code-fence.js';

/** Names for the ids Slack writes into message text; undefined when unknown. */
export interface MrkdwnLookups {
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  /** Slack emoji name (`+1`, `+1::skin-tone-3`) → Unicode emoji; undefined for custom ones. */
  emoji(name: string): string | undefined;
}

/**
 * The `text` of a Slack message event → WhatsApp text.
 *
 * Slack's side (https://docs.slack.dev/messaging/formatting-message-text/, formerly
 * https://api.slack.com/reference/surfaces/formatting): `&`, `<` and `>` are control
 * characters and arrive as `&amp;`/`&lt;`/`&gt;`; everything Slack parses arrives as a
 * `<…>` control sequence: `<@U…>` users, `<#C…|name>` channels, `<!here>`-style special
 * mentions, `<!subteam^S…|@name>` user groups, `<!date^epoch^format|fallback>` dates and
 * `<url|label>` links. Emoji arrive as `:shortcode:` (iamcal names, `::skin-tone-N` suffix).
 *
 * WhatsApp's side (its "format your messages" help and the 2024 additions): `*bold*`,
 * `_italic_`, `~strike~`, ```` ```monospace``` ````, `` `inline code` ``, `> ` quotes and
 * `* `/`- `/`1. ` lists, so Slack's inline formatting is already written the WhatsApp way
 * and passes through unchanged.
 *
 * Inside code (``` blocks and `inline`) only entities are decoded: what the agent typed
 * there is shown literally. Entities are decoded last and in one pass, so `&lt;b&gt;`
 * shows as `<b>` and is never read as a control sequence or a double-encoded entity.
 */
export function mrkdwnToWhatsApp(text: string, lookups: MrkdwnLookups): string {
  const source = text.replace(/\r\n?/g, '\n');
  const out: string[] = [];
  let at = 0;
  for (const fence of findCodeFences(source)) {
    out.push(convertSegment(source.slice(at, fence.start), isLineStart(source, at), lookups));
    out.push(FENCE + decodeEntities(source.slice(fence.innerStart, fence.innerEnd)) + FENCE);
    at = fence.end;
  }
  out.push(convertSegment(source.slice(at), isLineStart(source, at), lookups));
  return out.join('');
}

/**
 * `*Ana Souza:*` and a line break, the prefix the earlier tool put before an agent's
 * message. A `*` in the name would close the bold early, and a line break would stop
 * WhatsApp from pairing the markers, so both are removed.
 */
export function agentPrefix(name: string): string {
  const clean = name.replace(/\*/g, '').replace(/\s+/g, ' ').trim();
  return clean === '' ? '' : `*${clean}:*\n`;
}

/** Slack decodes only these three; one pass so `&amp;lt;` becomes `&lt;`, not `<`. */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_m, name: string) => (name === 'amp' ? '&' : name === 'lt' ? '<' : '>'));
}

function isLineStart(text: string, index: number): boolean {
  return index === 0 || text[index - 1] === '\n';
}

/** Inline code or a control sequence; control sequences never span lines or hold a raw `<`/`>`. */
const TOKEN = /`[^`\n]+`|<([^<>\n]+)>/g;

function convertSegment(segment: string, startsAtLineStart: boolean, lookups: MrkdwnLookups): string {
  const quoted = segment
    .split('\n')
    .map((line, i) => (i > 0 || startsAtLineStart ? convertQuote(line) : line))
    .join('\n');
  let out = '';
  let at = 0;
  for (const m of quoted.matchAll(TOKEN)) {
    out += convertText(quoted.slice(at, m.index), lookups);
    out += m[1] === undefined ? decodeEntities(m[0]) : convertControl(m[1], lookups);
    at = m.index + m[0].length;
  }
  return out + convertText(quoted.slice(at), lookups);
}

/**
 * Slack sends a quoted line as `&gt; text`; written as a literal `> ` here, it is past
 * decoding's reach and the control-sequence pattern (which needs a `<` first) ignores it.
 */
function convertQuote(line: string): string {
  const m = /^&gt;[ \t]?(.*)$/.exec(line);
  if (!m || m[1] === undefined) return line;
  return m[1] === '' ? '>' : `> ${m[1]}`;
}

/** A URL typed as plain text (Slack did not wrap it): its `:x:` parts are not emoji. */
const BARE_URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>]+/gi;

function convertText(text: string, lookups: MrkdwnLookups): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(BARE_URL)) {
    out += decodeEntities(replaceEmoji(text.slice(at, m.index), lookups)) + decodeEntities(m[0]);
    at = m.index + m[0].length;
  }
  return out + decodeEntities(replaceEmoji(text.slice(at), lookups));
}

const SHORTCODE = /:([a-z0-9_+'-]+):/gi;
const SKIN_TONE = /:skin-tone-([2-6]):/y;

/**
 * `:name:` → emoji; `:name::skin-tone-N:` as one emoji when the tone applies. Unknown names
 * stay as typed, and scanning resumes at their closing colon so `10:30:smile:` still finds
 * `:smile:`.
 */
function replaceEmoji(text: string, lookups: MrkdwnLookups): string {
  let out = '';
  let at = 0;
  SHORTCODE.lastIndex = 0;
  for (let m = SHORTCODE.exec(text); m; m = SHORTCODE.exec(text)) {
    const name = m[1] ?? '';
    const end = m.index + m[0].length;
    SKIN_TONE.lastIndex = end;
    const tone = SKIN_TONE.exec(text);
    const toned = tone ? lookups.emoji(`${name}::skin-tone-${tone[1] ?? ''}`) : undefined;
    const emoji = toned ?? lookups.emoji(name);
    if (emoji === undefined) {
      SHORTCODE.lastIndex = end - 1;
      continue;
    }
    out += text.slice(at, m.index) + emoji;
    at = toned !== undefined && tone ? end + tone[0].length : end;
    SHORTCODE.lastIndex = at;
  }
  return out + text.slice(at);
}

/** `body` is what sits between `<` and `>`. */
function convertControl(body: string, lookups: MrkdwnLookups): string {
  const bar = body.indexOf('|');
  const target = bar < 0 ? body : body.slice(0, bar);
  const label = bar < 0 ? undefined : decodeEntities(body.slice(bar + 1));
  const named = label !== undefined && label.trim() !== '' ? label.trim() : undefined;
  switch (target[0]) {
    case '@': {
      const name = lookups.userName(target.slice(1)) ?? named?.replace(/^@/, '');
      return `@${name ?? 'someone'}`;
    }
    case '#': {
      const name = lookups.channelName(target.slice(1)) ?? named?.replace(/^#/, '');
      return `#${name ?? 'channel'}`;
    }
    case '!':
      return convertSpecial(target.slice(1), named);
    default:
      return convertLink(decodeEntities(target), named, lookups);
  }
}

function convertSpecial(command: string, label: string | undefined): string {
  const [name = '', ...args] = command.split('^');
  switch (name) {
    case 'here':
    case 'channel':
    case 'everyone':
    case 'group':
      return `@${name}`;
    case 'subteam':
      return label === undefined ? '@group' : `@${label.replace(/^@/, '')}`;
    case 'date':
      return label ?? fallbackDate(args[0]);
    default:
      // An unknown `<!…>` Slack may add later: its label is what Slack itself would show.
      return label ?? `@${name}`;
  }
}

/** A `<!date>` with no fallback text: the instant in UTC, since the reader's zone is unknown. */
function fallbackDate(epoch: string | undefined): string {
  const seconds = Number(epoch);
  if (epoch === undefined || epoch === '' || !Number.isFinite(seconds)) return '';
  const iso = new Date(seconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Only these schemes are links; any other `<…>` (Slack never sends one) is kept as typed. */
const LINK = /^(?:https?:\/\/|mailto:|tel:|ftp:\/\/|slack:\/\/)/i;

function convertLink(url: string, label: string | undefined, lookups: MrkdwnLookups): string {
  if (!LINK.test(url)) return `<${url}${label === undefined ? '' : `|${label}`}>`;
  const plain = url.replace(/^(?:mailto|tel):/i, '');
  // WhatsApp shows mailto:/tel: targets best as the bare address, which it links itself.
  const shown = /^(?:mailto|tel):/i.test(url) ? plain : url;
  if (label === undefined || sameTarget(label, url)) return shown;
  return `${replaceEmoji(label, lookups)} (${shown})`;
}

/** `<http://example.com|example.com>` is how Slack links a typed domain: not a real label. */
function sameTarget(label: string, url: string): boolean {
  const strip = (s: string) => s.trim().replace(/^(?:[a-z][a-z0-9+.-]*:\/\/|mailto:|tel:)/i, '').replace(/\/$/, '');
  return label.trim() === url || strip(label).toLowerCase() === strip(url).toLowerCase();
}
