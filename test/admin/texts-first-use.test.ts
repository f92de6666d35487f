import { expect, it, onTestFinished } from 'vitest';
import { countIntlFormatters } from '../support/intl-formatters.js';

/*
 * Making an Intl formatter reads its locale's ICU data out of the node binary (about 7 MiB more
 * resident, docs/BENCHMARKS.md "Footprint"). The console's catalogues load with the service, so
 * they make their formatters the first time the page writes a number or a date, not at import.
 */
it('makes no Intl formatter when the console’s catalogues load, and each one once, when first used', async () => {
  const { made, restore } = countIntlFormatters();
  onTestFinished(restore);

  const { adminTexts } = await import('../../src/http/admin/texts.js');
  expect(made).toEqual([]);

  const pt = adminTexts('pt-BR');
  expect(pt.number(12345)).toBe('12.345');
  expect(pt.number(7)).toBe('7');
  expect(pt.time(Date.UTC(2025, 0, 15, 9, 30))).toBe('15/01/2025 09:30 UTC');
  expect(adminTexts('en').number(1234)).toBe('1,234');
  expect(made).toEqual(['number', 'date', 'number']);
});
