import { isValidNumber } from '../../core/format/phone.js';

/**
 * Checks the number a pairing code is requested for. WhatsApp wants it in international format
 * without "+", and operators type it every which way, so separators and a leading + or 00 are
 * forgiven; anything else is explained rather than guessed at. A number of the right length that
 * no country assigns (libphonenumber's numbering plans) is refused too: WhatsApp would only answer
 * with a code nobody can enter.
 */
export function normalisePhone(input: unknown): { phone: string } | { error: string } {
  if (typeof input !== 'string' || input.trim() === '') return { error: 'Enter the phone number of the WhatsApp account.' };
  const compact = input.replace(/[\s\-().]/g, '').replace(/^(\+|00)/, '');
  if (!/^\d+$/.test(compact)) return { error: 'Use digits only (spaces, dashes and a leading + are fine).' };
  if (compact.startsWith('0')) return { error: 'Start with the country code (for example 49), not with 0.' };
  if (compact.length < 8 || compact.length > 15) return { error: `Expected 8 to 15 digits, got ${compact.length}.` };
  if (!isValidNumber(compact)) return { error: `+${compact} is not a number in the numbering plan of its country: check the country code and the digits.` };
  return { phone: compact };
}
