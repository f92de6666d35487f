import type { AdminTexts, AdviceKey } from './texts.js';

/**
 * What a job's last error means for the operator and what to do about it. The code is the
 * BridgeError code the worker stored in front of the message (`slack_not_in_channel: …`).
 */
export interface Advice {
  code?: string;
  /** What happened, in a few words. */
  what: string;
  /** What to do. */
  todo: string;
  /** Whether Retry can work once the cause is fixed (false: Discard, the thread already says what was lost). */
  retryHelps: boolean;
}

interface Rule {
  /** Its words, in the catalogue (texts-*.ts). */
  key: AdviceKey;
  retryHelps: boolean;
}

const rule = (key: AdviceKey, retryHelps: boolean): Rule => ({ key, retryHelps });
const SLACK_TOKEN = rule('slackToken', true);
const SLACK_CONTENT = rule('slackContent', false);
const JIRA_TOKEN = rule('jiraToken', true);

const RULES: Record<string, Rule> = {
  slack_not_in_channel: rule('slackNotInChannel', true),
  slack_channel_not_found: rule('slackChannelNotFound', true),
  slack_is_archived: rule('slackIsArchived', true),
  slack_missing_scope: rule('slackMissingScope', true),
  slack_invalid_auth: SLACK_TOKEN,
  slack_not_authed: SLACK_TOKEN,
  slack_token_revoked: SLACK_TOKEN,
  slack_token_expired: SLACK_TOKEN,
  slack_account_inactive: SLACK_TOKEN,
  slack_thread_not_found: rule('slackThreadNotFound', false),
  slack_invalid_blocks: SLACK_CONTENT,
  slack_msg_too_long: SLACK_CONTENT,
  slack_msg_blocks_too_long: SLACK_CONTENT,
  slack_no_text: SLACK_CONTENT,
  graph_131047: rule('windowClosed', false),
  graph_131026: rule('undeliverable', false),
  graph_131056: rule('pairRateLimit', true),
  graph_130429: rule('throughput', true),
  graph_131052: rule('mediaDownload', false),
  graph_131053: rule('mediaRefused', false),
  graph_190: rule('metaToken', true),
  graph_100: rule('graphInvalid', false),
  wa_web_not_connected: rule('webNotConnected', true),
  wa_web_send_failed: rule('webSendFailed', false),
  templates_unsupported: rule('templatesUnsupported', false),
  // WhatsApp may have the message already (core/errors.ts OUTCOME_UNKNOWN): the agent decides in the thread, not Retry.
  send_outcome_unknown: rule('sendOutcomeUnknown', false),
  jira_unauthorized: JIRA_TOKEN,
  jira_http_401: JIRA_TOKEN,
  jira_forbidden: rule('jiraForbidden', true),
  jira_not_found: rule('jiraNotFound', true),
  jira_bad_request: rule('jiraBadRequest', true),
  jira_unavailable: rule('jiraUnavailable', true),
  rate_limited: rule('rateLimited', true),
  timeout: rule('timeout', true),
  deadline_exceeded: rule('deadlineExceeded', true),
  network_error: rule('networkError', true),
  worker_stopped: rule('workerStopped', false),
  store_unavailable: rule('storeUnavailable', true),
  media_too_large: rule('mediaTooLarge', false),
};

const UNKNOWN = rule('unknown', false);
const SERVER_ERROR = rule('serverError', true);

/** The code in front of a stored error (`slack_not_in_channel: Slack chat.postMessage failed: …`). */
export function errorCode(lastError: string | null): string | undefined {
  return /^([a-z][a-z0-9_]{1,60}): /.exec(lastError ?? '')?.[1];
}

export function adviceFor(t: AdminTexts, lastError: string | null): Advice {
  const code = errorCode(lastError);
  const found = code ? (RULES[code] ?? (/^(slack|graph|jira)_http_5\d\d$/.test(code) ? SERVER_ERROR : UNKNOWN)) : UNKNOWN;
  return { ...(code ? { code } : {}), ...t.advice[found.key], retryHelps: found.retryHelps };
}
