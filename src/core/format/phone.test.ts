import { describe, expect, it } from 'vitest';
import { formatInternational, phoneDigits, splitCountryCode, waMeLink } from './phone.js';

describe('formatInternational', () => {
  it.each([
    // North America (NANP)
    ['16505551234', '+1 650-555-1234'],
    ['15550783881', '+1 555-078-3881'],
    // Brazil: DDD + 9-digit mobile, 8-digit landline, and a pre-ninth-digit WhatsApp id
    ['5511912345678', '+55 11 91234-5678'],
    ['552134567890', '+55 21 3456-7890'],
    ['551181234567', '+55 11 8123-4567'],
    // United Kingdom
    ['447700900123', '+44 7700 900123'],
    ['442079460958', '+44 20 7946 0958'],
    ['441214960000', '+44 121 496 0000'],
    ['441632960983', '+44 1632 960983'],
    ['448001234567', '+44 800 123 4567'],
    // Portugal, Spain
    ['351912345678', '+351 912 345 678'],
    ['351213456789', '+351 213 456 789'],
    ['34612345678', '+34 612 345 678'],
    // Generic grouping, with the right country-code length
    ['4930123456', '+49 3012 3456'],
    ['8613800138000', '+86 138 0013 8000'],
    ['971501234567', '+971 501 234 567'],
    ['79161234567', '+7 916 123 4567'],
    ['2348031234567', '+234 803 123 4567'],
  ])('%s → %s', (waId, expected) => {
    expect(formatInternational(waId)).toBe(expected);
  });

  it('accepts "+", spaces, punctuation and WhatsApp Web JIDs', () => {
    expect(formatInternational('+1 (650) 555-1234')).toBe('+1 650-555-1234');
    expect(formatInternational('5511912345678@s.whatsapp.net')).toBe('+55 11 91234-5678');
    expect(formatInternational('5511912345678:12@s.whatsapp.net')).toBe('+55 11 91234-5678');
  });

  it('does not pretend a number of the wrong length follows the national plan', () => {
    expect(formatInternational('1650555123')).toBe('+1 650 555 123'); // 9 national digits: generic groups
    expect(formatInternational('55119123456789')).toBe('+55 119 123 456 789'); // 12 national digits
  });

  it('returns implausible numbers ungrouped', () => {
    expect(formatInternational('1234')).toBe('+1234');
    expect(formatInternational('1234567890123456')).toBe('+1234567890123456');
  });

  it('returns input without digits unchanged', () => {
    expect(formatInternational('')).toBe('');
    expect(formatInternational('status@broadcast')).toBe('status@broadcast');
  });
});

describe('splitCountryCode', () => {
  it('knows one-, two- and three-digit codes', () => {
    expect(splitCountryCode('16505551234')).toEqual({ countryCode: '1', national: '6505551234' });
    expect(splitCountryCode('5511912345678')).toEqual({ countryCode: '55', national: '11912345678' });
    expect(splitCountryCode('351912345678')).toEqual({ countryCode: '351', national: '912345678' });
    expect(splitCountryCode('420601123456')).toEqual({ countryCode: '420', national: '601123456' });
  });
});

describe('phoneDigits / waMeLink', () => {
  it('keeps digits only', () => {
    expect(phoneDigits('+55 (11) 91234-5678')).toBe('5511912345678');
  });

  it('builds click-to-chat links from digits', () => {
    expect(waMeLink('16505551234')).toBe('https://wa.me/16505551234');
    expect(waMeLink('+55 11 91234-5678')).toBe('https://wa.me/5511912345678');
    expect(waMeLink('5511912345678:3@s.whatsapp.net')).toBe('https://wa.me/5511912345678');
  });

  it('refuses to build a link without digits', () => {
    expect(() => waMeLink('')).toThrow(RangeError);
    expect(() => waMeLink('<https://evil.example>')).toThrow(RangeError);
  });
});
