import type { BridgeError } from '../core/errors.js';

/**
 * Why a Slack call from the doctor failed, in two kinds an operator fixes differently: nothing answered
 * (DNS, refused, timeout: the network or the host in SLACK_API_URL), or something answered and said no
 * (a token Slack rejects, a method it does not know, an HTTP error from a URL that is not the Web API base).
 */

export interface SlackFailure {
  /** Whether anything answered over HTTP. */
  reached: boolean;
  detail: string;
  fix: string;
}

const TOKEN_ERRORS = new Set(['slack_invalid_auth', 'slack_not_authed', 'slack_token_revoked', 'slack_account_inactive', 'slack_token_expired']);
const BASE_FIX = (apiUrl: string) =>
  `SLACK_API_URL (${apiUrl}) must be the Web API base, https://slack.com/api/ (or unset), not a method URL such as WhatsAppInSlack's …/api/files.upload`;

export function describeSlackFailure(e: BridgeError, method: string, apiUrl: string): SlackFailure {
  if (e.code === 'rate_limited') {
    return { reached: true, detail: `reached Slack at ${apiUrl}, but ${method} was rate limited`, fix: 'run the doctor again in a minute' };
  }
  if (e.code === 'slack_request_error') {
    return {
      reached: false,
      detail: `could not reach Slack at ${apiUrl}: ${networkReason(e.cause)}`,
      fix: 'check the network (DNS, firewall, proxy) from this machine to that host, and the host in SLACK_API_URL',
    };
  }
  const answered = e.code.startsWith('slack_http_') ? `HTTP ${e.code.slice('slack_http_'.length)}` : e.code.replace(/^slack_/, '');
  const detail = `reached ${apiUrl}, but ${method} answered ${answered}`;
  if (TOKEN_ERRORS.has(e.code)) {
    return { reached: true, detail, fix: 'SLACK_BOT_TOKEN is wrong, revoked or from another app: copy the Bot User OAuth Token (xoxb-…) from the app’s OAuth & Permissions page' };
  }
  if (e.code === 'slack_unknown_method' || e.code === 'slack_http_404' || e.code === 'slack_http_405') return { reached: true, detail, fix: BASE_FIX(apiUrl) };
  if (/^slack_http_5\d\d$/.test(e.code)) return { reached: true, detail, fix: 'Slack (or a proxy in front of it) is failing: see https://slack-status.com and run the doctor again later' };
  if (e.code.startsWith('slack_http_')) return { reached: true, detail, fix: BASE_FIX(apiUrl) };
  // Slack's errors are short snake_case words; anything else is a page from a server that is not Slack.
  if (!/^slack_[a-z_]+$/.test(e.code)) {
    return { reached: true, detail: `reached ${apiUrl}, but what answered ${method} is not the Slack Web API`, fix: BASE_FIX(apiUrl) };
  }
  return { reached: true, detail, fix: `see Slack’s description of ${answered} at https://docs.slack.dev/reference/methods/${method}` };
}

/** DNS, refused, reset, timeout: the words for what the network said, from the SDK's request error. */
function networkReason(cause: unknown): string {
  const original = (cause as { original?: { name?: string; message?: string; cause?: { code?: string; message?: string } } } | undefined)?.original;
  const code = original?.cause?.code;
  if (original?.name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'no answer in time (timeout)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve (DNS)';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (code) return code;
  return original?.cause?.message ?? original?.message ?? 'the request failed';
}
