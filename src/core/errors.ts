/**
 * Why WhatsApp refused a message, as the transport that sent it reads its vendor's answer: the
 * relay explains it in the thread from these fields alone.
 */
export interface DeliveryFailure {
  /** Only a template may reach the contact now (the Cloud API's 24-hour window closed). */
  windowClosed?: boolean;
  /** The vendor's numeric error code, for the explanation (i18n `deliveryError`). */
  code?: number;
}

/**
 * The one error type vendors' failures become. The worker decides retry or give-up from
 * `retryable` alone, and waits at least `retryAfterMs` when the vendor said so.
 */
export class BridgeError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** What a WhatsApp transport read from its vendor's answer (core never parses vendor codes). */
  readonly delivery: DeliveryFailure | undefined;

  constructor(message: string, opts: { code: string; retryable: boolean; retryAfterMs?: number; cause?: unknown; delivery?: DeliveryFailure }) {
    super(message, { cause: opts.cause });
    this.name = 'BridgeError';
    this.code = opts.code;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.delivery = opts.delivery;
  }
}

/** A media file over the configured limit: shown as a notice, never retried. */
export class MediaTooLargeError extends BridgeError {
  constructor(
    readonly limit: number,
    readonly size?: number,
  ) {
    super(`media is ${size ?? 'more than'} bytes, over the ${limit}-byte limit`, { code: 'media_too_large', retryable: false });
    this.name = 'MediaTooLargeError';
  }
}

export function isBridgeError(err: unknown): err is BridgeError {
  return err instanceof BridgeError;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

/**
 * A send whose outcome is unknown: the request left, and no answer came back (a timeout or a reset
 * after it was written). WhatsApp may have accepted it; the Graph API has no idempotency key, so
 * sending again could deliver it twice. It is never retried blindly: the agent decides.
 */
export const OUTCOME_UNKNOWN = 'send_outcome_unknown';

export function isOutcomeUnknown(err: unknown): boolean {
  return isBridgeError(err) && err.code === OUTCOME_UNKNOWN;
}
