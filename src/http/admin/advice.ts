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

type Rule = Omit<Advice, 'code'>;

const SLACK_TOKEN: Rule = {
  what: 'Slack refused the bot token.',
  todo: 'Put a valid bot token (xoxb-…) in SLACK_BOT_TOKEN, restart Switchboard (npm run doctor checks it), then Retry.',
  retryHelps: true,
};
const SLACK_CONTENT: Rule = {
  what: 'Slack refused the message itself.',
  todo: 'Retry fails the same way: Discard it. The thread says what could not be shown; the original is on the phone.',
  retryHelps: false,
};
const JIRA_TOKEN: Rule = {
  what: 'Jira refused the credentials.',
  todo: 'Jira API tokens expire: make a new one for JIRA_EMAIL, put it in JIRA_API_TOKEN, restart, then Retry.',
  retryHelps: true,
};

const RULES: Record<string, Rule> = {
  slack_not_in_channel: { what: 'The bot is not a member of the Slack channel.', todo: 'Invite the bot to the channel (in Slack: /invite @your-bot), then Retry.', retryHelps: true },
  slack_channel_not_found: { what: 'Slack does not know the channel, or the bot cannot see it.', todo: 'Check SLACK_CHANNEL (ID C… or name) and, for a private channel, invite the bot; then Retry.', retryHelps: true },
  slack_is_archived: { what: 'The Slack channel is archived.', todo: 'Unarchive the channel (or point SLACK_CHANNEL at another one and restart), then Retry.', retryHelps: true },
  slack_missing_scope: { what: 'The Slack app lacks a permission (scope).', todo: 'Add the scopes from slack-app-manifest.yml, reinstall the app to the workspace, then Retry.', retryHelps: true },
  slack_invalid_auth: SLACK_TOKEN,
  slack_not_authed: SLACK_TOKEN,
  slack_token_revoked: SLACK_TOKEN,
  slack_token_expired: SLACK_TOKEN,
  slack_account_inactive: SLACK_TOKEN,
  slack_thread_not_found: { what: 'The conversation’s Slack thread is gone (its card was deleted).', todo: 'Discard it; the contact’s next message starts a new card.', retryHelps: false },
  slack_invalid_blocks: SLACK_CONTENT,
  slack_msg_too_long: SLACK_CONTENT,
  slack_msg_blocks_too_long: SLACK_CONTENT,
  slack_no_text: SLACK_CONTENT,
  graph_131047: { what: 'WhatsApp’s 24-hour window is closed: the contact has not written for a day.', todo: 'Retry fails until the contact writes again. Discard it, and reach them with a message template (WHATSAPP_TEMPLATE_NAME) or by phone.', retryHelps: false },
  graph_131026: { what: 'WhatsApp could not deliver to this number (not on WhatsApp, an old app, or it blocked the business).', todo: 'Discard it and reach the contact another way.', retryHelps: false },
  graph_131056: { what: 'Too many messages to this contact in a short time (pair rate limit).', todo: 'Wait a minute, then Retry.', retryHelps: true },
  graph_130429: { what: 'The WhatsApp number hit its throughput limit.', todo: 'Wait a minute, then Retry.', retryHelps: true },
  graph_131052: { what: 'WhatsApp could not download the contact’s media.', todo: 'Discard it and ask the contact to send the file again.', retryHelps: false },
  graph_131053: { what: 'WhatsApp refused the media file (type or size).', todo: 'Discard it and send the file in another format.', retryHelps: false },
  graph_190: { what: 'Meta refused the access token (expired or revoked).', todo: 'Put a new system-user token in WHATSAPP_TOKEN, restart, then Retry.', retryHelps: true },
  graph_100: { what: 'WhatsApp refused the request as invalid.', todo: 'Retry fails the same way: Discard it. The log line with this job id says which field.', retryHelps: false },
  wa_web_not_connected: { what: 'WhatsApp Web was not connected.', todo: 'Link the phone again on the overview page (QR code), then Retry.', retryHelps: true },
  wa_web_send_failed: { what: 'WhatsApp refused the message.', todo: 'Discard it, or Retry once if the phone was offline.', retryHelps: false },
  templates_unsupported: { what: 'WhatsApp Web cannot send message templates.', todo: 'Discard it; the contact has to write first.', retryHelps: false },
  jira_unauthorized: JIRA_TOKEN,
  jira_http_401: JIRA_TOKEN,
  jira_forbidden: { what: 'Jira refused the integration account.', todo: 'Give JIRA_EMAIL’s account agent access to the service desk, then Retry.', retryHelps: true },
  jira_not_found: { what: 'Jira does not know the service desk, request type or request.', todo: 'Check JIRA_SERVICE_DESK_ID and JIRA_REQUEST_TYPE_ID (npm run doctor), restart, then Retry.', retryHelps: true },
  jira_bad_request: { what: 'Jira refused the request’s fields.', todo: 'Check the request type’s required fields in Jira, then Retry.', retryHelps: true },
  jira_unavailable: { what: 'Jira was unavailable for every attempt.', todo: 'Check Atlassian’s status page; Retry once Jira answers.', retryHelps: true },
  rate_limited: { what: 'A vendor kept answering “too many requests”.', todo: 'Retry later.', retryHelps: true },
  timeout: { what: 'A vendor did not answer in time.', todo: 'Retry; if it keeps happening, check the network to that vendor.', retryHelps: true },
  deadline_exceeded: { what: 'The job ran past its deadline every time.', todo: 'Retry; if it dies again, look for this job id in the log.', retryHelps: true },
  network_error: { what: 'A vendor could not be reached.', todo: 'Check the network, then Retry.', retryHelps: true },
  worker_stopped: { what: 'The job took its worker down (crashed or hung) several times.', todo: 'Look for this job id in the log before retrying: Retry may crash it again. Discard it if the cause stays unknown.', retryHelps: false },
  store_unavailable: { what: 'The database was unreachable.', todo: 'Check the database, then Retry.', retryHelps: true },
  media_too_large: { what: 'The file is larger than MEDIA_MAX_BYTES.', todo: 'Discard it, or raise MEDIA_MAX_BYTES, restart and Retry.', retryHelps: false },
};

const UNKNOWN: Rule = {
  what: 'An unexpected error.',
  todo: 'It usually fails the same way again: look for this job id in the log, then Discard it (or Retry once the cause is fixed).',
  retryHelps: false,
};

/** The code in front of a stored error (`slack_not_in_channel: Slack chat.postMessage failed: …`). */
export function errorCode(lastError: string | null): string | undefined {
  return /^([a-z][a-z0-9_]{1,60}): /.exec(lastError ?? '')?.[1];
}

const SERVER_ERROR: Rule = { what: 'The vendor answered with a server error every time.', todo: 'Retry once the vendor is back.', retryHelps: true };

export function adviceFor(lastError: string | null): Advice {
  const code = errorCode(lastError);
  if (!code) return UNKNOWN;
  const rule = RULES[code] ?? (/^(slack|graph|jira)_http_5\d\d$/.test(code) ? SERVER_ERROR : UNKNOWN);
  return { code, ...rule };
}
