import { isValidNumber } from '../../core/format/phone.js';
import type { AdminTexts } from './texts.js';

/**
 * Checks the number a pairing code is requested for. WhatsApp wants it in international format
 * without "+", and operators type it every which way, so separators and a leading + or 00 are
 * forgiven; anything else is explained rather than guessed at. A number of the right length that
 * no country assigns (libphonenumber's numbering plans) is refused too: WhatsApp would only answer
 * with a code nobody can enter.
 */
export function normalisePhone(t: AdminTexts, input: unknown): { phone: string } | { error: string } {
  const p = t.problems;
  if (typeof input !== 'string' || input.trim() === '') return { error: p.phoneMissing };
  const compact = input.replace(/[\s\-().]/g, '').replace(/^(\+|00)/, '');
  if (!/^\d+$/.test(compact)) return { error: p.phoneDigits };
  if (compact.startsWith('0')) return { error: p.phoneCountryCode };
  if (compact.length < 8 || compact.length > 15) return { error: p.phoneLength(compact.length) };
  if (!isValidNumber(compact)) return { error: p.phoneNotInPlan(compact) };
  return { phone: compact };
}
