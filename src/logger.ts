import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Identifiers of a person besides the number (issue 10): BSUIDs and usernames are personal data too. */
const PERSON_IDS = ['user_id', 'parent_user_id', 'from_user_id', 'from_parent_user_id', 'recipient_user_id', 'recipient_parent_user_id', 'recipient', 'username', 'bsuid', 'parentBsuid', 'ids', 'joins'];

/**
 * Field names that may carry message text, phone numbers, BSUIDs, usernames or secrets. They are censored at every
 * level: code that needs them for debugging logs them explicitly at `debug` under another name
 * only after thinking about it, which is the point. A name is censored at the top of a line and one
 * level in (`{ contact: { username } }`), as are the request headers that carry credentials.
 */
const FIELDS: ReadonlySet<string> = new Set(['text', 'body', 'caption', 'phone', 'from', 'to', 'wa_id', 'waId', 'recipient_id', 'token', 'authorization', 'password', 'secret', ...PERSON_IDS]);
const HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'x-hub-signature-256', 'x-slack-signature']);
const CENSOR = '[redacted]';

/**
 * A line's fields with the sensitive ones censored; the object itself when it has none (the usual
 * case: nothing is copied). It replaces pino's `redact`, which matches each path in turn: with these
 * names at two levels that was 24 µs of a 26 µs info line, 13 % of the service's CPU under webhook
 * load (bench/intake.ts with INTAKE_CPU_PROF); this looks each key up once.
 */
export function censorFields<T extends object>(obj: T, names: ReadonlySet<string> = FIELDS, depth = 1): T {
  let out = obj;
  for (const key of Object.keys(obj)) {
    const value = (obj as Record<string, unknown>)[key];
    let next = value;
    if (names.has(key)) {
      if (value !== undefined) next = CENSOR;
    } else if (depth > 0 && isRecord(value)) {
      next = key === 'req' ? censorRequest(value) : censorFields(value, names, depth - 1);
    }
    if (next !== value) out = withField(out, obj, key, next);
  }
  return out;
}

/** A request: its own fields, and the headers that carry credentials. */
function censorRequest(req: object): object {
  const own = censorFields(req, FIELDS, 0);
  const headers = (own as { headers?: unknown }).headers;
  if (!isRecord(headers)) return own;
  const censored = censorFields(headers, HEADERS, 0);
  return censored === headers ? own : withField(own, req, 'headers', censored);
}

/**
 * `out` with `key` set to `value`: `out` itself once it is a copy of `original`, else a copy of the
 * same kind (an Error stays an Error for pino's err serializer), non-enumerable fields included.
 */
function withField<T extends object>(out: T, original: T, key: string, value: unknown): T {
  const copy = out !== original ? out : (Object.create(Object.getPrototypeOf(original), Object.getOwnPropertyDescriptors(original)) as T);
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Objects whose own fields are worth reading: not arrays, buffers or other binary views. */
function isRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'switchboard' },
    formatters: { log: (fields) => censorFields(fields), bindings: (bindings) => censorFields(bindings) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const logger = destination ? pino(options, destination as pino.DestinationStream) : pino(options);
  // pino passes only the root's bindings through `formatters.bindings`; a child's (and its children's, which inherit this) are censored here.
  const child = logger.child as unknown as (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  logger.child = function (this: Logger, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) {
    return child.call(this, censorFields(bindings), childOptions);
  } as unknown as Logger['child'];
  return logger;
}

/** `+55 11 9…-1234` style masking for the rare info line that must say which contact. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 4 ? '****' : `…${digits.slice(-4)}`;
}
