import type { Locale } from './i18n.js';

/**
 * Dates, times and sizes in the bridge's locale. `Intl` is part of the language, not of
 * node:*, so core may use it. The time zone is an explicit argument (default: the runtime's),
 * because the people reading Slack and the server rarely share one.
 */
export interface ZoneOptions {
  /** IANA zone, e.g. "America/Sao_Paulo". Unknown zones throw a RangeError. */
  timeZone?: string;
}

/** "Jun 8, 2025, 6:39 PM" / "8 de jun. de 2025, 18:39". */
export function formatDateTime(locale: Locale, epochMs: number, options: ZoneOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...zone(options) }).format(epochMs);
}

/** "Jun 8, 2025" / "8 de jun. de 2025". */
export function formatDate(locale: Locale, epochMs: number, options: ZoneOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...zone(options) }).format(epochMs);
}

/** "6:39 PM" / "18:39". */
export function formatTime(locale: Locale, epochMs: number, options: ZoneOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short', ...zone(options) }).format(epochMs);
}

function zone(options: ZoneOptions): { timeZone?: string } {
  return options.timeZone === undefined ? {} : { timeZone: options.timeZone };
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/**
 * "12.4 MB" / "12,4 MB". Steps of 1,024, the way WhatsApp's and Slack's file limits are meant
 * ("16 MB" video = 16 × 1,024² bytes), labelled with the everyday unit names.
 */
export function formatBytes(locale: Locale, bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: UNITS[unit] ?? 'byte',
    // Short "byte" is singular in English ("512 byte"); the long form reads right in both.
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
