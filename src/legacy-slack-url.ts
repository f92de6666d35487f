/**
 * WhatsAppInSlack took full method URLs (`SLACK_API_URL=https://slack.com/api/files.upload`,
 * `SLACK_CHAT_POST_MESSAGE_URL=https://slack.com/api/chat.postMessage`); Switchboard takes the Web API
 * base and appends the method itself, so an old value used as is sends every call to
 * `…/api/files.upload/<method>`. This turns either key into the base, saying so once per key.
 *
 * Precedence: SLACK_API_URL (the current name) wins when set, method or not; SLACK_CHAT_POST_MESSAGE_URL
 * is used only when SLACK_API_URL is unset.
 */

type Env = Record<string, string | undefined>;

export interface LegacySlackUrl {
  /** What SLACK_API_URL should be, when it changes; undefined leaves it as it is. */
  apiUrl?: string;
  warnings: string[];
  /** A legacy value that is not a URL at all, named by its own key. */
  problem?: string;
}

const LEGACY_POST_URL = 'SLACK_CHAT_POST_MESSAGE_URL';
/** `…/api/<family>.<method>`: a method name always has a dot (files.upload, chat.postMessage, auth.test). */
const METHOD_PATH = /^(.*\/api)\/[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+\/?$/;

/** The Web API base of a URL that names a method, or undefined when it names none (or is no URL). */
export function webApiBase(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  const match = METHOD_PATH.exec(url.pathname);
  if (!match) return undefined;
  return `${url.origin}${match[1]}/`;
}

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

export function legacySlackApiUrl(env: Env): LegacySlackUrl {
  const current = env.SLACK_API_URL;
  const legacy = env[LEGACY_POST_URL];
  const warnings: string[] = [];
  let apiUrl: string | undefined;

  if (!blank(current)) {
    const base = webApiBase(current);
    if (base) {
      apiUrl = base;
      warnings.push(`SLACK_API_URL names a Web API method (${current.trim()}), as WhatsAppInSlack's did: using its base ${base}; set SLACK_API_URL=${base} to silence this`);
    }
    if (!blank(legacy)) {
      warnings.push(`${LEGACY_POST_URL} is ignored: SLACK_API_URL is set, so the Slack Web API is reached at ${apiUrl ?? current.trim()}; remove ${LEGACY_POST_URL}`);
    }
    return { apiUrl, warnings };
  }
  if (blank(legacy)) return { warnings };

  const base = webApiBase(legacy) ?? (isHttpUrl(legacy) ? legacy.trim() : undefined);
  if (!base) {
    return { warnings, problem: `${LEGACY_POST_URL}: expected WhatsAppInSlack's chat.postMessage URL, such as https://slack.com/api/chat.postMessage` };
  }
  warnings.push(`${LEGACY_POST_URL} is read as SLACK_API_URL: using the Web API base ${base}; set SLACK_API_URL=${base} instead`);
  return { apiUrl: base, warnings };
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value.trim()).protocol);
  } catch {
    return false;
  }
}
