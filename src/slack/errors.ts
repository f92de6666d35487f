import { BridgeError } from '../core/errors.js';

/**
 * Slack `ok:false` errors worth retrying: the rest are mistakes or missing permissions that a retry
 * cannot fix (https://api.slack.com/methods/chat.postMessage#errors and the common errors list).
 */
const RETRYABLE = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
  'slack_webapi_request_error',
]);

interface SlackSdkError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string; response_metadata?: { messages?: string[] } };
  message?: string;
}

/** Maps an @slack/web-api error (or anything thrown around it) to the one error type the worker knows. */
export function toSlackBridgeError(err: unknown, method: string): BridgeError {
  if (err instanceof BridgeError) return err;
  const e = (err ?? {}) as SlackSdkError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return new BridgeError(`Slack ${method} rate limited`, {
        code: 'rate_limited',
        retryable: true,
        retryAfterMs: (e.retryAfter ?? 1) * 1000,
        cause: err,
      });
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      const detail = e.data?.response_metadata?.messages?.join('; ');
      return new BridgeError(`Slack ${method} failed: ${code}${detail ? ` (${detail})` : ''}`, {
        code: `slack_${code}`,
        retryable: RETRYABLE.has(code),
        cause: err,
      });
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      return new BridgeError(`Slack ${method} answered HTTP ${status}`, {
        code: `slack_http_${status}`,
        retryable: status >= 500 || status === 408,
        cause: err,
      });
    }
    default:
      // Network errors, timeouts, aborted uploads: worth another try.
      return new BridgeError(`Slack ${method} request failed: ${e.message ?? String(err)}`, {
        code: 'slack_request_error',
        retryable: true,
        cause: err,
      });
  }
}
