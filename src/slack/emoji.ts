import { createRequire } from 'node:module';

/**
 * Unicode emoji ⇄ Slack reaction names. Slack names its emoji after iamcal's emoji-data, which
 * emojibase ships as a shortcode preset; skin tones are Slack's `name::skin-tone-N` suffix.
 */
const require = createRequire(import.meta.url);
const iamcal = require('emojibase-data/en/shortcodes/iamcal.json') as Record<string, string | string[]>;

const SKIN_TONES: Record<number, number> = { 0x1f3fb: 2, 0x1f3fc: 3, 0x1f3fd: 4, 0x1f3fe: 5, 0x1f3ff: 6 };
const VARIATION_SELECTOR = 0xfe0f;

const byName = new Map<string, string>();
for (const [hex, names] of Object.entries(iamcal)) {
  const emoji = String.fromCodePoint(...hex.split('-').map((h) => parseInt(h, 16)));
  for (const name of Array.isArray(names) ? names : [names]) byName.set(name, emoji);
}

function hexOf(codePoints: number[]): string {
  return codePoints.map((c) => c.toString(16).toUpperCase().padStart(4, '0')).join('-');
}

/** `👍🏽` → `+1::skin-tone-4`; undefined when Slack has no such emoji. */
export function emojiToSlackName(emoji: string): string | undefined {
  const points = [...emoji].map((c) => c.codePointAt(0)!).filter((c) => c !== VARIATION_SELECTOR);
  const tone = points.map((c) => SKIN_TONES[c]).find((t) => t !== undefined);
  const base = points.filter((c) => SKIN_TONES[c] === undefined);
  const names = iamcal[hexOf(base)];
  const name = Array.isArray(names) ? names[0] : names;
  if (!name) return undefined;
  return tone ? `${name}::skin-tone-${tone}` : name;
}

/** `thumbsup::skin-tone-4` → `👍🏽`; undefined for custom workspace emoji. */
export function slackNameToEmoji(name: string): string | undefined {
  const [base, tone] = name.split('::skin-tone-');
  const emoji = byName.get(base!);
  if (!emoji) return undefined;
  if (!tone) return emoji;
  const modifier = Object.entries(SKIN_TONES).find(([, n]) => String(n) === tone)?.[0];
  return modifier ? emoji + String.fromCodePoint(Number(modifier)) : emoji;
}
