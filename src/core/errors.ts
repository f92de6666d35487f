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
  /**
   * The id the message went out under, when the transport chose it before sending (WhatsApp Web):
   * for a send whose outcome is unknown, a status for this id settles the doubt.
   */
  readonly messageId: string | undefined;

  constructor(
    message: string,
    opts: { code: string; retryable: boolean; retryAfterMs?: number; cause?: unknown; delivery?: DeliveryFailure; messageId?: string },
  ) {
    super(message, { cause: opts.cause });
    this.name = 'BridgeError';
    this.code = opts.code;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.delivery = opts.delivery;
    this.messageId = opts.messageId;
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
 * after it was written; on WhatsApp Web, the socket failing once the message was handed to it).
 * WhatsApp may have accepted it; neither the Graph API nor WhatsApp Web has an idempotency key, so
 * sending again could deliver it twice. It is never retried blindly: the agent decides.
 */
export const OUTCOME_UNKNOWN = 'send_outcome_unknown';

export function isOutcomeUnknown(err: unknown): err is BridgeError {
  return isBridgeError(err) && err.code === OUTCOME_UNKNOWN;
}
