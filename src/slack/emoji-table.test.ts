import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadIamcalPreset, renderEmojiTable } from '../../scripts/emoji-table.js';
import { emojiToSlackName, slackNameToEmoji } from './emoji.js';

const { preset, source } = loadIamcalPreset();
const SKIN_TONES = new Set(['1F3FB', '1F3FC', '1F3FD', '1F3FE', '1F3FF']);
const emojiOf = (hex: string) => String.fromCodePoint(...hex.split('-').map((h) => parseInt(h, 16)));

describe('the shipped emoji table', () => {
  it('is what scripts/emoji-table.ts makes of the installed emojibase-data (run npm run generate:emoji after an upgrade)', () => {
    const committed = readFileSync(new URL('./emoji-table.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderEmojiTable(preset, source));
  });

  it('answers as emojibase’s iamcal preset does for every emoji and every name', () => {
    const entries = Object.entries(preset);
    expect(entries.length).toBeGreaterThan(1800);
    const wrong: string[] = [];
    for (const [hex, names] of entries) {
      const list = Array.isArray(names) ? names : [names];
      // The skin-tone modifiers are in the preset too; in a reaction they are a tone, not an emoji.
      if (!SKIN_TONES.has(hex) && emojiToSlackName(emojiOf(hex)) !== list[0]) wrong.push(`${hex} → ${emojiToSlackName(emojiOf(hex))}`);
      for (const name of list) if (slackNameToEmoji(name) !== emojiOf(hex)) wrong.push(`${name} → ${slackNameToEmoji(name)}`);
    }
    expect(wrong).toEqual([]);
  });
});
