import { expect, it } from 'vitest';
import { countIntlFormatters } from '../../../test/support/intl-formatters.js';
import { formatBytes, formatDate, formatDateTime, formatTime } from './locale-format.js';

/** Counts the formatters made while `fn` runs. */
function counting(fn: () => void): number {
  const { made, restore } = countIntlFormatters();
  try {
    fn();
  } finally {
    restore();
  }
  return made.length;
}

const AT = Date.UTC(2025, 5, 8, 18, 39);

it('makes a formatter once per locale, style and zone, and each keeps its own', () => {
  const first = counting(() => {
    expect(formatDateTime('en', AT, { timeZone: 'UTC' })).toBe('Jun 8, 2025, 6:39 PM');
    expect(formatDateTime('pt-BR', AT, { timeZone: 'UTC' })).toBe('8 de jun. de 2025, 18:39');
    expect(formatDateTime('pt-BR', AT, { timeZone: 'America/Sao_Paulo' })).toBe('8 de jun. de 2025, 15:39');
    expect(formatDate('en', AT, { timeZone: 'UTC' })).toBe('Jun 8, 2025');
    expect(formatTime('en', AT, { timeZone: 'UTC' })).toBe('6:39 PM');
    expect(formatBytes('pt-BR', 12.4 * 1024 * 1024)).toBe('12,4 MB');
    expect(formatBytes('en', 512)).toBe('512 bytes');
  });
  expect(first).toBe(7);
  // The same calls again (and other values) make none.
  const again = counting(() => {
    expect(formatDateTime('en', AT + 60_000, { timeZone: 'UTC' })).toBe('Jun 8, 2025, 6:40 PM');
    expect(formatDateTime('pt-BR', AT, { timeZone: 'America/Sao_Paulo' })).toBe('8 de jun. de 2025, 15:39');
    expect(formatTime('en', AT, { timeZone: 'UTC' })).toBe('6:39 PM');
    expect(formatBytes('pt-BR', 3 * 1024 * 1024)).toBe('3 MB');
  });
  expect(again).toBe(0);
});
