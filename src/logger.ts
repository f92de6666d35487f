import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Identifiers of a person besides the number (issue 10): BSUIDs and usernames are personal data too. */
const PERSON_IDS = ['user_id', 'parent_user_id', 'from_user_id', 'from_parent_user_id', 'recipient_user_id', 'recipient_parent_user_id', 'recipient', 'username', 'bsuid', 'parentBsuid', 'ids', 'joins'];

/**
 * Field names that may carry message text, phone numbers, BSUIDs, usernames or secrets. They are censored at every
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
  ...PERSON_IDS,
  ...PERSON_IDS.map((f) => `*.${f}`),
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
