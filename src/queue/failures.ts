import { BridgeError, errorMessage, isBridgeError } from '../core/errors.js';
import { describeStoreError } from '../store/errors.js';
import type { JobFailure } from '../core/store/queue.js';

/** Recognises a failure the rules below do not know (a test's injected one); undefined when it does not. */
export type FailureClassifier = (err: unknown) => JobFailure | undefined;

export const DEADLINE_CODE = 'deadline_exceeded';

export function deadlineExceeded(deadlineMs: number): BridgeError {
  return new BridgeError(`the job ran past its ${deadlineMs} ms deadline and was abandoned`, { code: DEADLINE_CODE, retryable: true });
}

/**
 * Every failure is classified once, here: retryable (with back-off, bounded by the attempts) or
 * permanent (dead-lettered at once). Vendors' errors say which themselves; a timeout, an abort or
 * a store that is briefly unreachable is worth another try; anything else unknown is a fault that
 * fails the same way every time (a payload the code cannot handle), so retrying it would only hold
 * the conversation's lane.
 */
export function classifyFailure(err: unknown, extra?: FailureClassifier): JobFailure {
  if (isBridgeError(err)) {
    return {
      code: err.code,
      message: `${err.code}: ${err.message}`,
      retryable: err.retryable,
      retryAfterMs: err.retryAfterMs,
      rateLimited: err.code.startsWith('rate_limited'),
    };
  }
  const known = extra?.(err);
  if (known) return known;
  // A store that is briefly away (a dropped connection, a lock, a full disk) is worth another try later.
  const store = describeStoreError(err);
  if (store) return { code: store.transient ? 'store_unavailable' : 'store_error', message: `store: ${store.cause}`, retryable: store.transient };
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return { code: 'timeout', message: `timeout: ${errorMessage(err)}`, retryable: true };
  return { code: 'error', message: errorMessage(err), retryable: false };
}
