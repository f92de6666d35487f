/**
 * Phone numbers through libphonenumber-js (Google's libphonenumber metadata): display in
 * international format, validation and E.164.
 *
 * The `max` metadata, deliberately: `min` carries only the possible lengths per country, so
 * its `isValid()` is a length check that accepts numbers no country assigns (+49 12…, an
 * unassigned NANP area code) and would group them as if they were real. `max` adds the
 * per-type digit patterns for about 70 kB more on disk and ~0.2 MiB of RSS once loaded
 * (measured on Node 20 against `min`), which a server does not notice.
 */
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';

export type { CountryCode };

/**
 * The digits of a wa_id, a "+…" number or a WhatsApp Web JID ("5511…:3@s.whatsapp.net":
 * the part before ":" / "@").
 */
export function phoneDigits(input: string): string {
  const user = input.split('@')[0]?.split(':')[0] ?? '';
  return user.replace(/\D/g, '');
}

/**
 * A wa_id or JID is digits only (WhatsApp writes international numbers without the "+");
 * anything else is a number typed by a person ("+1 (650) 555-1234", "030 12345678").
 */
function isBareId(input: string): boolean {
  const user = input.trim().split('@')[0]?.split(':')[0] ?? '';
  return /^\+?\d+$/.test(user);
}

/**
 * Parses a wa_id, JID or written number. Without `defaultCountry`, a number without "+" is
 * read as international digits, as WhatsApp writes them; with it, as a national number of
 * that country ("030 12345678", "DE"), and "00…"-style international prefixes work too.
 */
function parse(input: string, defaultCountry?: CountryCode): PhoneNumber | undefined {
  const trimmed = input.trim();
  if (isBareId(trimmed)) {
    const digits = phoneDigits(trimmed);
    if (digits === '') return undefined;
    const international = trimmed.startsWith('+') || defaultCountry === undefined;
    return international ? parsePhoneNumberFromString(`+${digits}`) : parsePhoneNumberFromString(digits, defaultCountry);
  }
  if (phoneDigits(trimmed) === '') return undefined;
  return defaultCountry === undefined ? parsePhoneNumberFromString(trimmed) : parsePhoneNumberFromString(trimmed, defaultCountry);
}

/** True when the number is assigned in its country's numbering plan (not only the right length). */
export function isValidNumber(input: string, defaultCountry?: CountryCode): boolean {
  return parse(input, defaultCountry)?.isValid() === true;
}

/** "+4930123456789"-style E.164 for a valid number; undefined for anything else. */
export function toE164(input: string, defaultCountry?: CountryCode): string | undefined {
  const number = parse(input, defaultCountry);
  return number?.isValid() ? number.number : undefined;
}

/**
 * "16505551234" → "+1 650 555 1234", "493012345678" → "+49 30 12345678", in the national
 * grouping of each country. A number that is not valid is shown as it was given, never grouped
 * as if it were real: a wa_id or JID as "+digits" (the "+" is only the notation WhatsApp leaves
 * out), anything else unchanged.
 */
export function formatInternational(input: string): string {
  const number = parse(input);
  if (number?.isValid()) return number.formatInternational();
  const legacy = brazilianEightDigitMobile(input);
  if (legacy !== undefined) return legacy;
  if (!isBareId(input)) return input.trim();
  const digits = phoneDigits(input);
  return digits === '' ? input : `+${digits}`;
}

/**
 * Brazilian mobiles got a ninth digit in 2012–2016, but WhatsApp accounts older than that
 * keep their 8-digit wa_id (5511 8123 4567). Such an id is a real account, so it is grouped
 * like the 9-digit number it stands for, without inventing the 9 the id does not have.
 */
function brazilianEightDigitMobile(input: string): string | undefined {
  if (!isBareId(input)) return undefined;
  const digits = phoneDigits(input);
  const match = /^55(\d{2})([6-9]\d{7})$/.exec(digits);
  if (!match) return undefined;
  const [, ddd, subscriber] = match;
  const modern = parsePhoneNumberFromString(`+55${ddd}9${subscriber}`);
  if (!modern?.isValid() || modern.getType() !== 'MOBILE') return undefined;
  return `+55 ${ddd} ${subscriber!.slice(0, 4)} ${subscriber!.slice(4)}`;
}

/** Click-to-chat link: https://wa.me/<digits> (no "+", no spaces, per WhatsApp's format). */
export function waMeLink(waId: string): string {
  const digits = phoneDigits(waId);
  if (digits === '') throw new RangeError('waMeLink needs a phone number with digits');
  return `https://wa.me/${digits}`;
}
