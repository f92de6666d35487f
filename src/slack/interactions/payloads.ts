/**
 * Slack's interaction payloads this module acts on, read into small shapes
 * (docs.slack.dev/reference/interaction-payloads: shortcuts, block_actions, view_submission;
 * /interactivity/implementing-slash-commands). A payload that is none of these is left to
 * normalise-event.ts (card buttons, whose clicks go to the queue).
 */
import { CARD_ACTION_IDS } from '../../core/relay/card-controls.js';
import { SEND_TEMPLATE_ACTION } from '../../core/relay/notices.js';
import type { SavedReplyFile } from '../../core/store/agent-start.js';
import { CB_HOME, CB_REPLIES, CB_RESOLVE, CB_SAVED_REPLY, CB_START, CB_TEMPLATE } from './views.js';

export const START_SHORTCUT = 'switchboard_start';
export const SAVED_REPLY_SHORTCUT = 'switchboard_saved_reply';
export const COMMAND = '/whatsapp';
/** Only these are taken: other views, shortcuts and buttons (the card's) go their own way. */
const OUR_SHORTCUTS = new Set([START_SHORTCUT, SAVED_REPLY_SHORTCUT]);
const OUR_VIEWS = new Set([CB_START, CB_TEMPLATE, CB_SAVED_REPLY, CB_REPLIES, CB_HOME, CB_RESOLVE]);

export type StateValues = Record<string, Record<string, unknown>>;

export type Interaction =
  | { type: 'command'; text: string; user: string; channel: string; triggerId: string; threadTs?: string }
  | { type: 'shortcut'; callbackId: string; user: string; triggerId: string }
  | { type: 'message_action'; callbackId: string; user: string; triggerId: string; channel: string; messageTs: string; threadTs?: string }
  | { type: 'template_button'; user: string; triggerId: string; channel: string; messageTs: string; threadTs?: string; value: string }
  /** The card's Resolve: a modal asks for the optional closing message (the card's other buttons go to the queue). */
  | { type: 'resolve_button'; user: string; triggerId: string; channel: string; messageTs: string }
  | { type: 'view_submission'; callbackId: string; user: string; viewId: string; metadata: string; values: StateValues }
  | {
      type: 'view_action';
      viewType: string;
      callbackId: string;
      actionId: string;
      value: string;
      user: string;
      triggerId?: string;
      viewId: string;
      hash: string;
      metadata: string;
      values: StateValues;
    };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: unknown, key: string): string | undefined => {
  const v = isObj(o) ? o[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** An interactivity payload this module handles, or undefined for one it leaves alone. */
export function parseInteraction(payload: unknown): Interaction | undefined {
  if (!isObj(payload)) return undefined;
  const user = str(payload.user, 'id');
  const triggerId = str(payload, 'trigger_id');
  if (!user) return undefined;
  switch (payload.type) {
    case 'shortcut': {
      const callbackId = str(payload, 'callback_id');
      return callbackId && OUR_SHORTCUTS.has(callbackId) && triggerId ? { type: 'shortcut', callbackId, user, triggerId } : undefined;
    }
    case 'message_action': {
      const callbackId = str(payload, 'callback_id');
      if (!callbackId || !OUR_SHORTCUTS.has(callbackId)) return undefined;
      const channel = str(payload.channel, 'id');
      const messageTs = str(payload.message, 'ts') ?? str(payload, 'message_ts');
      if (!callbackId || !triggerId || !channel || !messageTs) return undefined;
      const threadTs = str(payload.message, 'thread_ts');
      return { type: 'message_action', callbackId, user, triggerId, channel, messageTs, ...(threadTs ? { threadTs } : {}) };
    }
    case 'view_submission': {
      const view = payload.view;
      const viewId = str(view, 'id');
      const callbackId = str(view, 'callback_id');
      if (!viewId || !callbackId || !OUR_VIEWS.has(callbackId)) return undefined;
      return { type: 'view_submission', callbackId, user, viewId, metadata: str(view, 'private_metadata') ?? '', values: stateValues(view) };
    }
    case 'block_actions':
      return blockAction(payload, user, triggerId);
    default:
      return undefined;
  }
}

function blockAction(payload: Obj, user: string, triggerId: string | undefined): Interaction | undefined {
  const action = Array.isArray(payload.actions) ? payload.actions.find(isObj) : undefined;
  const actionId = str(action, 'action_id');
  if (!actionId) return undefined;
  const value = str(action, 'value') ?? str(isObj(action) ? action.selected_option : undefined, 'value') ?? '';
  const view = payload.view;
  if (isObj(view) && str(payload.container, 'type') !== 'message') {
    const viewId = str(view, 'id');
    const callbackId = str(view, 'callback_id');
    if (!viewId || !callbackId || !OUR_VIEWS.has(callbackId)) return undefined;
    return {
      type: 'view_action',
      viewType: str(view, 'type') ?? 'modal',
      callbackId,
      actionId,
      value,
      user,
      ...(triggerId ? { triggerId } : {}),
      viewId,
      hash: str(view, 'hash') ?? '',
      metadata: str(view, 'private_metadata') ?? '',
      values: stateValues(view),
    };
  }
  // The thread's "Send template" button and the card's Resolve open a modal: that needs the trigger, now.
  if ((actionId !== SEND_TEMPLATE_ACTION && actionId !== CARD_ACTION_IDS.resolve) || !triggerId) return undefined;
  const channel = str(payload.channel, 'id') ?? str(payload.container, 'channel_id');
  const messageTs = str(payload.container, 'message_ts') ?? str(payload.message, 'ts');
  if (!channel || !messageTs) return undefined;
  if (actionId === CARD_ACTION_IDS.resolve) return { type: 'resolve_button', user, triggerId, channel, messageTs };
  const threadTs = str(payload.message, 'thread_ts') ?? str(payload.container, 'thread_ts');
  return { type: 'template_button', user, triggerId, channel, messageTs, value, ...(threadTs ? { threadTs } : {}) };
}

function stateValues(view: unknown): StateValues {
  const values = isObj(view) && isObj(view.state) && isObj(view.state.values) ? view.state.values : {};
  return Object.fromEntries(Object.entries(values).filter(([, v]) => isObj(v))) as StateValues;
}

/** A slash command's form fields (command, text, user_id, channel_id, trigger_id), or undefined for another command. */
export function parseCommand(fields: Record<string, unknown>): Interaction | undefined {
  const get = (k: string) => (typeof fields[k] === 'string' ? (fields[k] as string) : '');
  if (get('command') !== COMMAND || !get('user_id') || !get('trigger_id')) return undefined;
  // Slack documents no thread for commands; some clients send one, and it is used when present.
  const threadTs = get('thread_ts');
  return { type: 'command', text: get('text').trim(), user: get('user_id'), channel: get('channel_id'), triggerId: get('trigger_id'), ...(threadTs ? { threadTs } : {}) };
}

/** What an input element holds in `view.state.values[block][action]`. */
export function inputValue(values: StateValues, block: string, action = block): string | undefined {
  const el = values[block]?.[action];
  if (!isObj(el)) return undefined;
  const v = typeof el.value === 'string' ? el.value : str(el.selected_option, 'value');
  return v === undefined || v === null ? undefined : v;
}

/**
 * The file picked in a `file_input` (docs.slack.dev/reference/block-kit/block-elements/file-input-element):
 * `view.state.values[block][action].files[]`, Slack's file objects.
 */
export function inputFile(values: StateValues, block: string, action = block): SavedReplyFile | undefined {
  const el = values[block]?.[action];
  const first: unknown = isObj(el) && Array.isArray(el.files) ? el.files[0] : undefined;
  if (!isObj(first)) return undefined;
  const id = str(first, 'id');
  const urlPrivate = str(first, 'url_private');
  if (!id || !urlPrivate) return undefined;
  return { id, name: str(first, 'name') ?? id, mimetype: str(first, 'mimetype') ?? 'application/octet-stream', size: typeof first.size === 'number' ? first.size : 0, urlPrivate };
}
