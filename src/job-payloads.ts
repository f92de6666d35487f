import { BridgeError } from './core/errors.js';
import type { BridgeNoticeJob, InboundJob, SlackJob, StatusJob } from './intake.js';
import type { JiraChangeJob, JiraChatJob } from './jira/jobs.js';
import { CARD_ACTIONS } from './core/conversation-states.js';
import { ROUTE_NAME } from './core/routes.js';
import type { JiraActionJob } from './core/relay/card-actions.js';
import type { JiraCommentJob } from './core/relay/jira-comments.js';
import type { ResolveJob } from './core/relay/resolve-with-message.js';
import type { SavedReplyJob } from './core/start/send-saved-reply.js';
import type { StartJob } from './core/start/send-started.js';

/*
 * A job's payload comes back from the store as `unknown` (JSON, possibly written by an older
 * version of the service, or by hand). Each handler reads it through one of these guards: what the
 * handler relies on is checked, and a payload that does not fit fails the job for good, naming the
 * kind, instead of failing somewhere inside the relay with a TypeError.
 */

type Shape = Record<string, unknown>;

const isRecord = (v: unknown): v is Shape => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isOptional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);

const DELIVERY_STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);
const SLACK_KINDS = new Set(['message', 'message_changed', 'message_deleted', 'reaction_added', 'reaction_removed', 'action']);

export function isInboundJob(p: unknown): p is InboundJob {
  if (!isRecord(p) || !isRecord(p.item)) return false;
  const { message, contact } = p.item;
  return (
    isRecord(message) &&
    isString(message.id) &&
    isString(message.chatId) &&
    typeof message.timestamp === 'number' &&
    isRecord(message.content) &&
    isString(message.content.kind) &&
    isRecord(message.sender) &&
    isString(message.sender.waId) &&
    isRecord(contact) &&
    isOptional(contact.ids, isRecord)
  );
}

export function isStatusJob(p: unknown): p is StatusJob {
  if (!isRecord(p) || !isRecord(p.status)) return false;
  const s = p.status;
  return isString(s.messageId) && DELIVERY_STATUSES.has(s.status as string) && typeof s.timestamp === 'number' && isString(s.recipient) && isOptional(s.errors, Array.isArray);
}

export function isSlackJob(p: unknown): p is SlackJob {
  if (!isRecord(p) || !isString(p.chatId) || !isRecord(p.event)) return false;
  const e = p.event;
  return SLACK_KINDS.has(e.kind as string) && isString(e.channel) && isString(e.eventId);
}

export function isBridgeNoticeJob(p: unknown): p is BridgeNoticeJob {
  return isRecord(p) && p.notice === 'web_logged_out' && isString(p.key);
}

export function isJiraChatJob(p: unknown): p is JiraChatJob {
  return isRecord(p) && isString(p.chatId) && isOptional(p.firstLine, isString);
}

export function isJiraChangeJob(p: unknown): p is JiraChangeJob {
  return isRecord(p) && isString(p.key) && isString(p.status) && typeof p.done === 'boolean';
}

// Card actions (issue 12): the request's side of a press, and a Jira comment to relay.
const CARD_ACTION_NAMES = new Set<string>(CARD_ACTIONS);

export function isJiraActionJob(p: unknown): p is JiraActionJob {
  return isRecord(p) && isString(p.chatId) && isString(p.key) && CARD_ACTION_NAMES.has(p.action as string) && isString(p.userId) && isString(p.name) && isOptional(p.closing, (v) => typeof v === 'boolean');
}

export function isJiraCommentJob(p: unknown): p is JiraCommentJob {
  if (!isRecord(p) || !isString(p.key) || (p.event !== 'created' && p.event !== 'updated') || !isRecord(p.comment)) return false;
  const c = p.comment;
  return isString(c.id) && isString(c.body) && typeof c.isPublic === 'boolean' && isString(c.authorName);
}

/** The payload as the handler of `kind` reads it, or a permanent failure of the job. */
export function readPayload<T>(kind: string, payload: unknown, guard: (p: unknown) => p is T): T {
  if (guard(payload)) return payload;
  throw new BridgeError(`the queued ${kind} job has a payload this version cannot read`, { code: 'job_payload_invalid', retryable: false });
}

// Issue 12's jobs (src/slack/interactions/jobs.ts): a start from Slack, a saved reply sent.

const isRouteName = (v: unknown): v is string => isString(v) && ROUTE_NAME.test(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

export function isStartJob(p: unknown): p is StartJob {
  if (!isRecord(p) || !isString(p.chatId) || !isString(p.user) || !isString(p.viewId)) return false;
  const { start, template } = p;
  const startOk = start === undefined || (isRecord(start) && isString(start.phone) && isOptional(start.name, isString));
  const templateOk = template === undefined || (isRecord(template) && isString(template.name) && isString(template.language) && isStringArray(template.params) && isString(template.body));
  return startOk && templateOk && isOptional(p.route, isRouteName) && isOptional(p.text, isString) && isOptional(p.noticeTs, isString);
}

export function isSavedReplyJob(p: unknown): p is SavedReplyJob {
  return isRecord(p) && [p.chatId, p.channel, p.threadTs, p.name, p.user, p.key].every(isString);
}

export function isResolveJob(p: unknown): p is ResolveJob {
  return isRecord(p) && [p.chatId, p.channel, p.threadTs, p.user, p.key].every(isString) && isOptional(p.text, isString);
}
