import { describe, expect, it } from 'vitest';
import { LOCALES, startMessages, type Locale, type StartMessages } from './i18n.js';

/** Every text of the block, parameterised ones with samples. */
function allTexts(locale: Locale): Record<string, string> {
  const m = startMessages(locale);
  return Object.fromEntries(
    (Object.keys(m) as Array<keyof StartMessages>).map((key) => {
      const entry = m[key];
      const text = typeof entry === 'function' ? (entry as (p: Record<string, unknown>) => string)({ n: 2, user: 'Ana Souza', template: 'appointment_reminder', name: 'welcome', error: 'expired_trigger_id' }) : entry;
      return [key, text];
    }),
  );
}

describe('texts of starting conversations, templates and saved replies', () => {
  it('has the same keys in every locale, each translated', () => {
    const en = allTexts('en');
    for (const locale of LOCALES) expect(Object.keys(allTexts(locale)).sort()).toEqual(Object.keys(en).sort());
    const pt = allTexts('pt-BR');
    expect(Object.keys(en).filter((k) => en[k] === pt[k])).toEqual([]);
  });

  for (const locale of LOCALES) {
    it(`${locale}: plain texts (no mrkdwn control characters), modal titles and buttons within Slack's 24 characters`, () => {
      const texts = allTexts(locale);
      for (const [key, text] of Object.entries(texts)) {
        expect(text.trim(), key).not.toBe('');
        expect(text, key).not.toMatch(/[<>&]|undefined/);
      }
      for (const key of ['startTitle', 'templateTitle', 'savedReplyTitle', 'savedRepliesTitle', 'editReplyTitle', 'resolveTitle', 'resolveSubmit', 'send', 'save', 'cancel']) {
        expect([...texts[key]!].length, key).toBeLessThanOrEqual(24);
      }
      expect(texts.variableLabel).toContain('{{2}}');
    });
  }
});
