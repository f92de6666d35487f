/**
 * Interactivity payloads in the shapes of docs.slack.dev/reference/interaction-payloads
 * (shortcut, message_action, block_actions in a view, view_submission) and of a slash command
 * (docs.slack.dev/interactivity/implementing-slash-commands), form-encoded as Slack posts them.
 * Trigger ids come from the fake Slack (`issueTrigger()`), which accepts each once, within 3 s.
 */
import type { FakeSlack, FakeView } from '../fakes/slack.js';
import { AGENT } from './slack-events.js';

const TEAM = { id: 'T0FAKETEAM', domain: 'fake-workspace' };
const USER = (id = AGENT) => ({ id, username: 'ana', team_id: TEAM.id });
const form = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

export function globalShortcut(slack: FakeSlack, callbackId: string, user = AGENT): string {
  return form({ type: 'shortcut', token: 'XXYYZZ', action_ts: `${Date.now() / 1000}`, team: TEAM, user: USER(user), callback_id: callbackId, trigger_id: slack.issueTrigger() });
}

export function messageShortcut(slack: FakeSlack, o: { callbackId: string; channel: string; messageTs: string; threadTs?: string; user?: string }): string {
  return form({
    type: 'message_action',
    token: 'XXYYZZ',
    action_ts: `${Date.now() / 1000}`,
    team: TEAM,
    user: USER(o.user),
    channel: { id: o.channel, name: 'support' },
    callback_id: o.callbackId,
    trigger_id: slack.issueTrigger(),
    message_ts: o.messageTs,
    message: { type: 'message', user: 'U0FAKEBOT1', ts: o.messageTs, text: 'a message', ...(o.threadTs ? { thread_ts: o.threadTs } : {}) },
    response_url: 'https://hooks.slack.com/app-actions/T0FAKETEAM/1/abc',
  });
}

/** `threadTs`: Slack documents no thread for commands; some clients send one. */
export function slashCommand(slack: FakeSlack, text: string, o: { channel?: string; user?: string; command?: string; threadTs?: string } = {}): string {
  return new URLSearchParams({
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: o.channel ?? 'C0123456789',
    channel_name: 'support',
    user_id: o.user ?? AGENT,
    user_name: 'ana',
    command: o.command ?? '/whatsapp',
    text,
    api_app_id: 'A123ABC456',
    response_url: 'https://hooks.slack.com/commands/1234/5678',
    trigger_id: slack.issueTrigger(),
    ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
  }).toString();
}

type Values = Record<string, Record<string, unknown>>;
export const typed = (value: string) => ({ type: 'plain_text_input', value });
export const picked = (value: string) => ({ type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } });

/** What the user typed in a view, by block id (the action id is the block id, or `action`). */
export function values(fields: Record<string, ReturnType<typeof typed> | ReturnType<typeof picked>>, actions: Record<string, string> = {}): Values {
  return Object.fromEntries(Object.entries(fields).map(([block, v]) => [block, { [actions[block] ?? block]: v }]));
}

export function viewSubmission(slack: FakeSlack, view: FakeView, state: Values, user = AGENT): string {
  return form({ type: 'view_submission', team: TEAM, user: USER(user), api_app_id: 'A123ABC456', token: 'XXYYZZ', trigger_id: slack.issueTrigger(), view: slack.viewPayload(view, state) });
}

/** A select or button inside a modal or the Home tab: `block_actions` with `view` and a `view` container. */
export function viewAction(slack: FakeSlack, view: FakeView, action: { actionId: string; blockId: string; value: string; select?: boolean }, state: Values = {}, user = AGENT): string {
  const a = action.select
    ? { type: 'static_select', action_id: action.actionId, block_id: action.blockId, selected_option: { text: { type: 'plain_text', text: action.value }, value: action.value }, action_ts: `${Date.now() / 1000}` }
    : { type: 'button', action_id: action.actionId, block_id: action.blockId, value: action.value, action_ts: `${Date.now() / 1000}` };
  return form({
    type: 'block_actions',
    team: TEAM,
    user: USER(user),
    api_app_id: 'A123ABC456',
    token: 'XXYYZZ',
    container: { type: 'view', view_id: view.id },
    trigger_id: slack.issueTrigger(),
    view: slack.viewPayload(view, state),
    actions: [a],
  });
}

/** The last modal with this callback id. */
export function modal(slack: FakeSlack, callbackId: string): FakeView {
  const found = slack.views('modal').filter((v) => v.view.callback_id === callbackId).at(-1);
  if (!found) throw new Error(`no modal ${callbackId} was opened (views: ${slack.views().map((v) => String(v.view.callback_id)).join(', ')})`);
  return found;
}
