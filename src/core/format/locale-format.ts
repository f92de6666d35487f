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

/**
 * Formatters by locale and options, made once: making one costs far more than formatting with it
 * (it was a thirtieth of the service's CPU under webhook load, one per inbound message), and
 * they are immutable, so one serves every call with the same locale and options.
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function dateTimeFormat(locale: Locale, style: Pick<Intl.DateTimeFormatOptions, 'dateStyle' | 'timeStyle'>, options: ZoneOptions): Intl.DateTimeFormat {
  const key = `${locale}|${style.dateStyle ?? ''}|${style.timeStyle ?? ''}|${options.timeZone ?? ''}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...style, ...zone(options) });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** "Jun 8, 2025, 6:39 PM" / "8 de jun. de 2025, 18:39". */
export function formatDateTime(locale: Locale, epochMs: number, options: ZoneOptions = {}): string {
  return dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }, options).format(epochMs);
}

/** "Jun 8, 2025" / "8 de jun. de 2025". */
export function formatDate(locale: Locale, epochMs: number, options: ZoneOptions = {}): string {
  return dateTimeFormat(locale, { dateStyle: 'medium' }, options).format(epochMs);
}

/** "6:39 PM" / "18:39". */
export function formatTime(locale: Locale, epochMs: number, options: ZoneOptions = {}): string {
  return dateTimeFormat(locale, { timeStyle: 'short' }, options).format(epochMs);
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
  const key = `${locale}|${unit}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: UNITS[unit] ?? 'byte',
      // Short "byte" is singular in English ("512 byte"); the long form reads right in both.
      unitDisplay: unit === 0 ? 'long' : 'short',
      maximumFractionDigits: unit === 0 ? 0 : 1,
    });
    numberFormats.set(key, format);
  }
  return format.format(value);
}
