import { describe, expect, it } from 'vitest';
import { formatInternational, isValidNumber, phoneDigits, toE164, waMeLink } from './phone.js';

// Numbers used here are documentation examples or reserved fictional ranges: libphonenumber's
// example numbers per country, Meta's docs (16505551234, 15550783881), NANP 555-01xx and
// Ofcom's drama ranges (020 7946 0xxx; 07700 900xxx and 01632 960xxx, which are not assigned).

describe('formatInternational', () => {
  it.each([
    // North America: Meta's example wa_id, and libphonenumber's US example
    ['16505551234', '+1 650 555 1234'],
    ['12015550123', '+1 201 555 0123'],
    // United Kingdom: London (Ofcom drama range), libphonenumber's mobile example, freephone
    ['442079460958', '+44 20 7946 0958'],
    ['447400123456', '+44 7400 123456'],
    ['448001234567', '+44 800 123 4567'],
    // Germany: Berlin's 2-digit area code, not 3+3+4 groups
    ['493012345678', '+49 30 12345678'],
    ['4915123456789', '+49 1512 3456789'],
    // France: a single-digit zone, then pairs
    ['33123456789', '+33 1 23 45 67 89'],
    ['33612345678', '+33 6 12 34 56 78'],
    // Italy: the leading 0 of a landline is part of the number
    ['390212345678', '+39 02 1234 5678'],
    ['393123456789', '+39 312 345 6789'],
    // Brazil: DDD + 9-digit mobile, 8-digit landline
    ['5511961234567', '+55 11 96123 4567'],
    ['551123456789', '+55 11 2345 6789'],
    // India: 5 + 5
    ['918123456789', '+91 81234 56789'],
    // Portugal, Spain
    ['351912345678', '+351 912 345 678'],
    ['34612345678', '+34 612 34 56 78'],
  ])('%s → %s', (waId, expected) => {
    expect(formatInternational(waId)).toBe(expected);
  });

  it('accepts "+", spaces, punctuation and WhatsApp Web JIDs', () => {
    expect(formatInternational('+1 (650) 555-1234')).toBe('+1 650 555 1234');
    expect(formatInternational(' +49 30 12345678 ')).toBe('+49 30 12345678');
    expect(formatInternational('5511961234567@s.whatsapp.net')).toBe('+55 11 96123 4567');
    expect(formatInternational('5511961234567:12@s.whatsapp.net')).toBe('+55 11 96123 4567');
  });

  it('groups a Brazilian mobile wa_id from before the ninth digit without adding it', () => {
    expect(formatInternational('551181234567')).toBe('+55 11 8123 4567');
    // a landline-looking 8-digit number is not taken for an old mobile
    expect(isValidNumber('551131234567')).toBe(true);
    expect(formatInternational('551131234567')).toBe('+55 11 3123 4567');
  });

  it('shows invalid numbers as given: a wa_id as +digits, ungrouped; typed text unchanged', () => {
    expect(formatInternational('15550783881')).toBe('+15550783881'); // NANP area code 555 is not assigned
    expect(formatInternational('447700900123')).toBe('+447700900123'); // Ofcom drama mobile range
    expect(formatInternational('441632960983')).toBe('+441632960983'); // Ofcom drama geographic range
    expect(formatInternational('4912345')).toBe('+4912345'); // too short for Germany
    expect(formatInternational('1234')).toBe('+1234');
    expect(formatInternational('1234567890123456')).toBe('+1234567890123456'); // longer than E.164 allows
    expect(formatInternational('1650555123')).toBe('+1650555123'); // one digit short
    expect(formatInternational('+1 555-078-3881')).toBe('+1 555-078-3881');
    expect(formatInternational('call me on 12')).toBe('call me on 12');
  });

  it('returns input without digits unchanged', () => {
    expect(formatInternational('')).toBe('');
    expect(formatInternational('status@broadcast')).toBe('status@broadcast');
  });
});

describe('isValidNumber', () => {
  it('checks the numbering plan, not only the length', () => {
    expect(isValidNumber('16505551234')).toBe(true);
    expect(isValidNumber('+49 30 12345678')).toBe(true);
    expect(isValidNumber('15550783881')).toBe(false); // right length, unassigned area code
    expect(isValidNumber('+49 12 3456789')).toBe(false); // German numbers never start with 1 2
    expect(isValidNumber('')).toBe(false);
    expect(isValidNumber('not a number')).toBe(false);
  });

  it('reads national numbers with a default country', () => {
    expect(isValidNumber('030 12345678', 'DE')).toBe(true);
    expect(isValidNumber('030 12345678')).toBe(false);
  });
});

describe('toE164', () => {
  it.each([
    ['16505551234', undefined, '+16505551234'],
    ['+1 (201) 555-0123', undefined, '+12015550123'],
    ['(201) 555-0123', 'US', '+12015550123'],
    ['030 12345678', 'DE', '+493012345678'],
    ['0049 30 12345678', 'DE', '+493012345678'],
    ['01 23 45 67 89', 'FR', '+33123456789'],
    ['02 1234 5678', 'IT', '+390212345678'],
    ['(11) 96123-4567', 'BR', '+5511961234567'],
    ['081234 56789', 'IN', '+918123456789'],
    ['020 7946 0958', 'GB', '+442079460958'],
    // an explicit "+" wins over the default country
    ['+44 20 7946 0958', 'US', '+442079460958'],
    ['5511961234567:3@s.whatsapp.net', undefined, '+5511961234567'],
  ] as const)('%s (%s) → %s', (input, country, expected) => {
    expect(toE164(input, country)).toBe(expected);
  });

  it('gives nothing for invalid numbers', () => {
    expect(toE164('15550783881')).toBeUndefined();
    expect(toE164('1234')).toBeUndefined();
    expect(toE164('030 12345678')).toBeUndefined(); // national without a country
    expect(toE164('')).toBeUndefined();
  });
});

describe('phoneDigits / waMeLink', () => {
  it('keeps digits only', () => {
    expect(phoneDigits('+55 (11) 96123-4567')).toBe('5511961234567');
  });

  it('builds click-to-chat links from digits', () => {
    expect(waMeLink('16505551234')).toBe('https://wa.me/16505551234');
    expect(waMeLink('+55 11 96123-4567')).toBe('https://wa.me/5511961234567');
    expect(waMeLink('5511961234567:3@s.whatsapp.net')).toBe('https://wa.me/5511961234567');
  });

  it('refuses to build a link without digits', () => {
    expect(() => waMeLink('')).toThrow(RangeError);
    expect(() => waMeLink('<https://evil.example>')).toThrow(RangeError);
  });
});
