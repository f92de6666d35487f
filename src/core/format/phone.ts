/**
 * Readable international numbers for people, without a phone library. Exact national
 * conventions for the countries the bridge mostly serves (+1, +55, +44, +351, +34); every
 * other number gets its country code split off correctly and the rest in even groups.
 * E.164 country codes are 1, 2 or 3 digits; 1 and 7 are the only one-digit codes and the
 * two-digit ones are listed below (ITU-T E.164 assignments), so the split needs no metadata.
 */
const TWO_DIGIT_CODES = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47',
  '48', '49', '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65',
  '66', '81', '82', '84', '86', '90', '91', '92', '93', '94', '95', '98',
]);

/** E.164 numbers have at most 15 digits; fewer than 8 is no real international number. */
const MIN_DIGITS = 8;
const MAX_DIGITS = 15;

/**
 * The digits of a wa_id, a "+…" number or a WhatsApp Web JID ("5511…:3@s.whatsapp.net":
 * the part before ":" / "@").
 */
export function phoneDigits(input: string): string {
  const user = input.split('@')[0]?.split(':')[0] ?? '';
  return user.replace(/\D/g, '');
}

export function splitCountryCode(digits: string): { countryCode: string; national: string } {
  const length = digits.startsWith('1') || digits.startsWith('7') ? 1 : TWO_DIGIT_CODES.has(digits.slice(0, 2)) ? 2 : 3;
  return { countryCode: digits.slice(0, length), national: digits.slice(length) };
}

/**
 * "16505551234" → "+1 650-555-1234", "5511912345678" → "+55 11 91234-5678". Anything that is
 * not 8–15 digits comes back as "+digits" (or unchanged when it has no digits at all) rather
 * than grouped as if it were valid.
 */
export function formatInternational(waId: string): string {
  const digits = phoneDigits(waId);
  if (digits === '') return waId;
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return `+${digits}`;
  const { countryCode, national } = splitCountryCode(digits);
  const groups = nationalGroups(countryCode, national);
  // Hyphens only where the national plan matched; generic groups are always space-separated.
  if (countryCode === '1' && national.length === 10) return `+1 ${groups.join('-')}`;
  if (countryCode === '55' && (national.length === 10 || national.length === 11)) {
    return `+55 ${groups[0] ?? ''} ${groups[1] ?? ''}-${groups[2] ?? ''}`;
  }
  return `+${countryCode} ${groups.join(' ')}`;
}

function nationalGroups(countryCode: string, n: string): string[] {
  switch (countryCode) {
    case '1':
      // NANP: 3-digit area code, 3-digit exchange, 4-digit line.
      if (n.length === 10) return cut(n, [3, 3, 4]);
      break;
    case '55':
      // Brazil: 2-digit DDD area code, then 8 digits (landline, or a mobile whose WhatsApp
      // account predates the ninth digit: not added here, the wa_id is what it is) or 9.
      if (n.length === 10) return cut(n, [2, 4, 4]);
      if (n.length === 11) return cut(n, [2, 5, 4]);
      break;
    case '44':
      if (n.length === 10) return cut(n, ukPattern(n));
      break;
    case '351':
    case '34':
      // Portugal and Spain: 9-digit numbers, written in threes.
      if (n.length === 9) return cut(n, [3, 3, 3]);
      break;
  }
  return evenGroups(n);
}

function ukPattern(n: string): number[] {
  if (n.startsWith('7')) return [4, 6]; // mobiles: 07700 900123
  if (n.startsWith('2')) return [2, 4, 4]; // 020 London, 023, 024, 028, 029
  if (n.startsWith('1') && (n[1] === '1' || n[2] === '1')) return [3, 3, 4]; // 0121, 0113, …
  if (n.startsWith('1')) return [4, 6]; // other geographic: 01632 960983
  return [3, 3, 4]; // 03, 08, 09 non-geographic: 0800 123 4567
}

function cut(digits: string, sizes: number[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out;
}

/** Threes, ending in one or two fours so no group is shorter than three: 8 → 4 4, 10 → 3 3 4. */
function evenGroups(n: string): string[] {
  if (n.length <= 5) return [n];
  const sizes: number[] = [];
  let rest = n.length;
  const tail = rest % 3 === 1 ? [4] : rest % 3 === 2 ? [4, 4] : [];
  rest -= tail.reduce((a, b) => a + b, 0);
  while (rest > 0) {
    sizes.push(3);
    rest -= 3;
  }
  return cut(n, [...sizes, ...tail]);
}

/** Click-to-chat link: https://wa.me/<digits> (no "+", no spaces, per WhatsApp's format). */
export function waMeLink(waId: string): string {
  const digits = phoneDigits(waId);
  if (digits === '') throw new RangeError('waMeLink needs a phone number with digits');
  return `https://wa.me/${digits}`;
}
