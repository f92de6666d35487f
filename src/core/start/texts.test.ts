import { describe, expect, it } from 'vitest';
import { countVariables, fillSavedReply, fillTemplate, REPLY_NAME } from './texts.js';

describe('template and saved-reply texts', () => {
  it('counts each positional variable once and fills them in order, leaving the missing ones visible', () => {
    expect(countVariables('Hello {{1}}, at {{2}}; again {{ 1 }}')).toBe(2);
    expect(countVariables('No variables')).toBe(0);
    expect(fillTemplate('Hello {{1}}, at {{2}}.', ['Sheena'])).toBe('Hello Sheena, at {{2}}.');
    expect(fillTemplate('Hello {{1}}, at {{2}}.', ['Sheena', ' 10:00 '])).toBe('Hello Sheena, at 10:00.');
  });

  it('fills {name}, {ticket} and {agent}, and nothing else in braces', () => {
    expect(fillSavedReply('Hi {name}, {agent} here about {ticket}. {other} {NAME}', { name: 'Sheena', ticket: 'SUP-12', agent: 'Ana' })).toBe('Hi Sheena, Ana here about SUP-12. {other} {NAME}');
  });

  it('names saved replies with letters, digits, - and _ only', () => {
    for (const ok of ['welcome', 'horário_2', 'follow-up']) expect(REPLY_NAME.test(ok), ok).toBe(true);
    for (const bad of ['', 'two words', 'a'.repeat(41), 'semi;colon']) expect(REPLY_NAME.test(bad), bad).toBe(false);
  });
});
