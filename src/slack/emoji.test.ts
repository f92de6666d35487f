import { describe, expect, it } from 'vitest';
import { emojiToSlackName, slackNameToEmoji } from './emoji.js';

describe('emoji names', () => {
  it.each([
    ['👍', '+1'],
    ['❤️', 'heart'],
    ['❤', 'heart'],
    ['😂', 'joy'],
    ['🙏', 'pray'],
    ['👍🏽', '+1::skin-tone-4'],
    // With and without the variation selector: WhatsApp sends either.
    ['#️⃣', 'hash'],
    ['#⃣', 'hash'],
    ['❤️‍🔥', 'heart_on_fire'],
  ])('%s → %s', (emoji, name) => expect(emojiToSlackName(emoji)).toBe(name));

  it('answers undefined for text that is not an emoji', () => {
    expect(emojiToSlackName('hello')).toBeUndefined();
  });

  it('turns Slack names back into emoji, with skin tones', () => {
    expect(slackNameToEmoji('thumbsup')).toBe('👍');
    expect(slackNameToEmoji('+1::skin-tone-4')).toBe('👍🏽');
    expect(slackNameToEmoji('white_check_mark')).toBe('✅');
    expect(slackNameToEmoji('partyparrot')).toBeUndefined();
  });
});
