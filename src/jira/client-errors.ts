import { BridgeError } from '../core/errors.js';

/**
 * Jira's failures as the one error type the worker knows. References: developer.atlassian.com/cloud/jira/platform/
 * rate-limiting/ (429 and some 503s carry Retry-After in seconds); servicedeskapi answers {errorMessage,
 * i18nErrorMessage}, the platform API {errorMessages, errors}.
 */

export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Jira's own words for a failure: servicedeskapi's `errorMessage`, or the platform's `errorMessages` + `errors`. */
function jiraReason(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim() && !/^\s*</.test(data) ? data.trim().slice(0, 300) : undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as { errorMessage?: unknown; errorMessages?: unknown; errors?: unknown; message?: unknown };
  const parts: string[] = [];
  if (typeof d.errorMessage === 'string') parts.push(d.errorMessage);
  if (Array.isArray(d.errorMessages)) parts.push(...d.errorMessages.filter((m): m is string => typeof m === 'string'));
  if (typeof d.errors === 'object' && d.errors !== null) {
    parts.push(...Object.entries(d.errors).map(([field, m]) => `${field}: ${String(m)}`));
  }
  if (parts.length === 0 && typeof d.message === 'string') parts.push(d.message);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

interface AxiosLike { isAxiosError?: boolean; code?: string; message?: string; response?: { status?: number; data?: unknown; headers?: unknown } }
interface HttpFailure { status: number; data: unknown; retryAfter: unknown }

/** jira.js rethrows an axios error that got a response as an HttpException whose `cause` is that axios error. */
function httpFailure(err: unknown): HttpFailure | undefined {
  const e = err as (AxiosLike & { cause?: AxiosLike }) | null;
  const res = e?.isAxiosError ? e.response : e?.cause?.isAxiosError ? e.cause.response : undefined;
  if (!res || typeof res.status !== 'number') return undefined;
  const h = res.headers as { get?: (name: string) => unknown; [name: string]: unknown } | undefined;
  return { status: res.status, data: res.data, retryAfter: typeof h?.get === 'function' ? h.get('retry-after') : h?.['retry-after'] };
}

/**
 * Turns anything jira.js throws into a BridgeError. The vendor error is not kept as `cause`: the axios request
 * config in it carries the Basic credential, and causes end up in logs.
 */
export function toJiraBridgeError(err: unknown, op: string, secrets: string[] = []): BridgeError {
  if (err instanceof BridgeError) return err;
  const redact = (s: string) => secrets.filter((x) => x.length >= 4).reduce((acc, x) => acc.split(x).join('[redacted]'), s);
  const http = httpFailure(err);
  if (!http) {
    const e = err as AxiosLike | null;
    if (e?.isAxiosError) {
      const timedOut = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT';
      return new BridgeError(timedOut ? `Jira ${op} timed out` : `Jira ${op} network error: ${e.code ?? 'unknown'}`, {
        code: timedOut ? 'timeout' : 'network_error',
        retryable: true,
      });
    }
    // Not an HTTP exchange at all (a bad JIRA_BASE_URL, a bug): another try will not help.
    return new BridgeError(redact(`Jira ${op} failed: ${e?.message ?? String(err)}`), { code: 'jira_client_error', retryable: false });
  }
  const { status } = http;
  const reason = jiraReason(http.data);
  const text = (what: string) => redact(`Jira ${op} failed: HTTP ${status} ${what}${reason ? `: ${reason}` : ''}`);
  const wait = parseRetryAfter(http.retryAfter);
  const after = wait !== undefined ? { retryAfterMs: wait } : {};
  if (status === 401) {
    return new BridgeError(
      redact(`Jira ${op} failed: HTTP 401: JIRA_EMAIL / JIRA_API_TOKEN were rejected; the API token may have expired (Atlassian API tokens expire within a year)`),
      { code: 'jira_unauthorized', retryable: false },
    );
  }
  if (status === 429) return new BridgeError(text('rate limited'), { code: 'rate_limited', retryable: true, ...after });
  if (status === 503) return new BridgeError(text('unavailable'), { code: 'jira_unavailable', retryable: true, ...after });
  if (status >= 500 || status === 408) return new BridgeError(text('server error'), { code: `jira_http_${status}`, retryable: true, ...after });
  const code = status === 403 ? 'jira_forbidden' : status === 404 ? 'jira_not_found' : status === 400 ? 'jira_bad_request' : status === 409 ? 'jira_conflict' : `jira_http_${status}`;
  return new BridgeError(text(status === 403 ? 'forbidden' : status === 404 ? 'not found' : 'rejected'), { code, retryable: false });
}
