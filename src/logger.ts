import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Field names that may carry message text, phone numbers or secrets. They are censored at every
 * level: code that needs them for debugging logs them explicitly at `debug` under another name
 * only after thinking about it, which is the point.
 */
export const REDACTED_PATHS = [
  'text',
  'body',
  'caption',
  'phone',
  'from',
  'to',
  'wa_id',
  'waId',
  'recipient_id',
  'token',
  'authorization',
  'password',
  'secret',
  '*.text',
  '*.body',
  '*.caption',
  '*.phone',
  '*.from',
  '*.to',
  '*.wa_id',
  '*.waId',
  '*.recipient_id',
  '*.token',
  '*.authorization',
  '*.password',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-slack-signature"]',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'switchboard' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

/** `+55 11 9…-1234` style masking for the rare info line that must say which contact. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 4 ? '****' : `…${digits.slice(-4)}`;
}
