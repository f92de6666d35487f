import { describe, expect, it } from 'vitest';
import { findCodeFences } from './code-fence.js';
import { MIN_SPLIT_CHARS, WHATSAPP_TEXT_MAX, planSlackMessages, splitForWhatsApp, splitText } from './split.js';
import { whatsappToMrkdwn } from './whatsapp-to-mrkdwn.js';

/**
 * Every part: within the limit, whole surrogate pairs and entities, balanced fences (one part
 * may hold the source's own unpaired, literal fence), no empty blocks the source did not have.
 */
function expectWellFormed(parts: string[], max: number, source = ''): void {
  const literalFences = source.split('```').length - 1 - findCodeFences(source).length * 2;
  let unbalanced = 0;
  for (const part of parts) {
    expect(part.length).toBeLessThanOrEqual(max);
    expect(part.trim()).not.toBe('');
    expect(part).not.toMatch(/^[\uDC00-\uDFFF]/);
    expect(part).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(part).not.toMatch(/&(?:a|am|amp|l|lt|g|gt)?$/);
    expect(part).not.toMatch(/^(?:mp|p|t)?;/);
    if ((part.split('```').length - 1) % 2 !== 0) unbalanced++;
    if (!source.includes('``````')) expect(part).not.toContain('``````');
  }
  expect(unbalanced, `unbalanced fences in ${JSON.stringify(parts)}`).toBeLessThanOrEqual(literalFences);
}

/** Nothing but separators and the added fences may be lost or gained. */
function visible(text: string): string {
  return text.replace(/[\s`]/g, '');
}

function randomText(seed: number, length: number): string {
  let s = seed;
  const random = (): number => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const pieces = ['word', 'palavra', ' ', ' ', '\n', '\n\n', '&amp;', '&lt;', '&gt;', '😀', '🇧🇷', '👨‍👩‍👧', '```', 'x'.repeat(40), 'é', '\t'];
  let text = '';
  while (text.length < length) text += pieces[Math.floor(random() * pieces.length)] ?? '';
  return text;
}

describe('splitText', () => {
  it('returns short text as one part, and nothing for blank text', () => {
    expect(splitText('hello', 100)).toEqual(['hello']);
    expect(splitText('', 100)).toEqual([]);
    expect(splitText(' \n\n ', 100)).toEqual([]);
  });

  it('rejects limits too small to hold fences', () => {
    expect(() => splitText('abc', MIN_SPLIT_CHARS - 1)).toThrow(RangeError);
    expect(() => splitText('abc', 20.5)).toThrow(RangeError);
  });

  it('prefers paragraph breaks, then line breaks, then spaces', () => {
    expect(splitText('first paragraph\n\nsecond one here', 20)).toEqual(['first paragraph', 'second one here']);
    expect(splitText('first line\nsecond line here', 20)).toEqual(['first line', 'second line here']);
    expect(splitText('alpha beta gamma delta epsilon', 20)).toEqual(['alpha beta gamma', 'delta epsilon']);
  });

  it('takes a paragraph break over a later line break when it leaves the part reasonably full', () => {
    const text = 'aaaaaaaaaaaa\n\nbbbbbb\ncccccccccccccccccccc';
    expect(splitText(text, 24)[0]).toBe('aaaaaaaaaaaa');
  });

  it('does not accept a break that would leave a tiny part', () => {
    const parts = splitText(`a\n\n${'b '.repeat(30)}`, 20);
    expect(parts[0]).not.toBe('a');
  });

  it('cuts a long word hard, at the limit', () => {
    expect(splitText('x'.repeat(50), 20)).toEqual(['x'.repeat(20), 'x'.repeat(20), 'x'.repeat(10)]);
  });

  it('never splits a surrogate pair', () => {
    const parts = splitText('😀'.repeat(30), 17);
    expect(parts.every((p) => p.length === 16 || p === parts.at(-1))).toBe(true);
    expect(parts.join('')).toBe('😀'.repeat(30));
    expectWellFormed(parts, 17);
  });

  it('keeps flags and ZWJ sequences whole when it can', () => {
    const flags = splitText('🇧🇷'.repeat(12), 18);
    for (const p of flags) expect(p.length % 4).toBe(0);
    expect(flags.join('')).toBe('🇧🇷'.repeat(12));
    const family = '👨‍👩‍👧'; // 8 code units
    for (const p of splitText(family.repeat(6), 20)) expect(p.length % family.length).toBe(0);
  });

  it('never splits an escaped entity', () => {
    const parts = splitText('&amp;&lt;&gt;'.repeat(20), 17);
    expectWellFormed(parts, 17);
    expect(parts.join('')).toBe('&amp;&lt;&gt;'.repeat(20));
  });

  it('closes a code block at a cut and reopens it in the next part', () => {
    const code = Array.from({ length: 8 }, (_, i) => `line ${i}`).join('\n');
    const parts = splitText(`intro\n\`\`\`\n${code}\n\`\`\`\noutro`, 40);
    expectWellFormed(parts, 40);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]?.startsWith('intro\n```')).toBe(true);
    expect(parts[1]?.startsWith('```')).toBe(true);
    expect(parts.at(-1)?.endsWith('outro')).toBe(true);
    expect(visible(parts.join(''))).toBe(visible(`intro${code}outro`));
  });

  it('does not open an empty block when a cut falls right after an opening fence', () => {
    const parts = splitText(`${'a'.repeat(14)} \`\`\`\n${'b'.repeat(30)}\`\`\``, 20);
    expectWellFormed(parts, 20);
  });

  it('does not reopen a block when only its closing fence is left', () => {
    const parts = splitText(`\`\`\`${'c'.repeat(14)}\n\`\`\` tail`, 20);
    expectWellFormed(parts, 20);
    expect(parts).toEqual([`\`\`\`${'c'.repeat(14)}\`\`\``, 'tail']);
  });

  it('keeps an unpaired fence literal, without adding fences around it', () => {
    const parts = splitText(`${'word '.repeat(6)}\`\`\` ${'word '.repeat(6)}`, 20);
    expect(parts.join(' ').split('```').length - 1).toBe(1);
  });

  it('keeps its invariants on random text', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const text = randomText(seed, 200 + (seed % 7) * 150);
      const max = MIN_SPLIT_CHARS + (seed % 13) * 9;
      const parts = splitText(text, max);
      expectWellFormed(parts, max, text);
      expect(visible(parts.join(''))).toBe(visible(text));
    }
  });

  it('splits 100k characters quickly and completely', () => {
    const text = whatsappToMrkdwn('Paragraph with <tags> & emoji 😀 and a ```code block``` inside.\n\n'.repeat(1600));
    expect(text.length).toBeGreaterThan(100_000);
    const parts = splitText(text, 3000);
    expectWellFormed(parts, 3000);
    expect(visible(parts.join(''))).toBe(visible(text));
  });
});

describe('planSlackMessages', () => {
  it('keeps a short text in one message with one section', () => {
    expect(planSlackMessages('hello')).toEqual([['hello']]);
    expect(planSlackMessages('')).toEqual([]);
  });

  it('keeps every section, block count and message total within bounds', () => {
    const text = whatsappToMrkdwn('Lorem ipsum <dolor> sit amet & consectetur. '.repeat(3000));
    const plan = planSlackMessages(text);
    expect(plan.length).toBeGreaterThan(1);
    for (const message of plan) {
      expect(message.length).toBeLessThanOrEqual(50);
      expect(message.reduce((sum, s) => sum + s.length, 0)).toBeLessThanOrEqual(12000);
      for (const section of message) expect(section.length).toBeLessThanOrEqual(3000);
    }
    expect(visible(plan.flat().join(''))).toBe(visible(text));
  });

  it('starts a new message when the block limit is reached', () => {
    const plan = planSlackMessages('word '.repeat(400), { sectionMax: 20, blocksMax: 5, messageTextMax: 100_000 });
    expect(plan.length).toBeGreaterThan(1);
    for (const message of plan.slice(0, -1)) expect(message).toHaveLength(5);
  });

  it('starts a new message when the character total would pass the bound', () => {
    const plan = planSlackMessages('word '.repeat(400), { sectionMax: 100, blocksMax: 50, messageTextMax: 250 });
    for (const message of plan) expect(message.reduce((sum, s) => sum + s.length, 0)).toBeLessThanOrEqual(250);
    expect(plan.every((m) => m.length <= 3)).toBe(true);
  });

  it('rejects a non-positive block limit', () => {
    expect(() => planSlackMessages('x', { blocksMax: 0 })).toThrow(RangeError);
  });
});

describe('splitForWhatsApp', () => {
  it('splits at 4096 characters', () => {
    expect(WHATSAPP_TEXT_MAX).toBe(4096);
    const parts = splitForWhatsApp('Olá, tudo bem? '.repeat(1000));
    expect(parts.length).toBe(4);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
  });

  it('leaves a message at the limit whole', () => {
    expect(splitForWhatsApp('a'.repeat(4096))).toEqual(['a'.repeat(4096)]);
  });
});
