/**
 * Slack's payloads → the relay's SlackEvent (src/core/slack-events.ts). One function per way a
 * payload arrives at us: Events API bodies (`event_callback`, over HTTP or inside a Socket Mode
 * `events_api` envelope) and interactivity payloads (`block_actions`, the `payload=` form field
 * over HTTP or an `interactive` envelope). Both receivers call these, so they record the same thing.
 *
 * Shapes (docs.slack.dev, read 2026-11):
 *   event wrapper ........ /apis/events-api (`event_id`, `event`)
 *   message .............. /reference/events/message
 *   file_share ........... /reference/events/message/file_share (`files[]` with `url_private`)
 *   thread_broadcast ..... /reference/events/message/thread_broadcast
 *   message_changed ...... /reference/events/message/message_changed (`message`, `previous_message`, hidden)
 *   message_deleted ...... /reference/events/message/message_deleted (`deleted_ts`, `previous_message`, hidden)
 *   reaction_added/removed /reference/events/reaction_added, /reference/events/reaction_removed
 *   block_actions ........ /reference/interaction-payloads/block_actions-payload
 */
import type { SlackActionEvent, SlackEvent, SlackFileRef } from '../core/slack-events.js';

export type Normalised =
  /** `dropped`: what in the payload produced no event and why (reasons only, never content). */
  | { ok: true; events: SlackEvent[]; dropped: string[] }
  | { ok: false; reason: string };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A non-empty string field; `null` (Slack sends `"bot_id": null`) and '' count as absent. */
const str = (o: Obj | undefined, key: string): string | undefined => {
  const v = o?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};
/** Message text, which may legitimately be '' (a file shared without a comment). */
const text = (o: Obj | undefined): string | undefined => (typeof o?.text === 'string' ? o.text : undefined);
const obj = (o: Obj | undefined, key: string): Obj | undefined => {
  const v = o?.[key];
  return isObj(v) ? v : undefined;
};

/** Drops undefined fields, so what is recorded (JSON) and what tests compare are the same object. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** An Events API body. Anything but `event_callback` is refused: url_verification is the route's business. */
export function normaliseEventCallback(body: unknown): Normalised {
  if (!isObj(body)) return { ok: false, reason: 'body is not a JSON object' };
  if (body.type !== 'event_callback') return { ok: false, reason: `not an event_callback (type ${JSON.stringify(body.type)})` };
  const eventId = str(body, 'event_id');
  const event = obj(body, 'event');
  if (!eventId) return { ok: false, reason: 'event_callback without event_id' };
  if (!event) return { ok: false, reason: 'event_callback without an event object' };

  const one = (ev: SlackEvent | string): Normalised =>
    typeof ev === 'string' ? { ok: true, events: [], dropped: [ev] } : { ok: true, events: [ev], dropped: [] };

  switch (event.type) {
    case 'message':
      return one(messageEvent(eventId, event));
    case 'reaction_added':
    case 'reaction_removed':
      return one(reactionEvent(eventId, event, event.type));
    default:
      // Subscribed by mistake or new to Slack: acknowledged and dropped, never retried.
      return one(`event type ${JSON.stringify(event.type)} is not one the bridge handles`);
  }
}

function messageEvent(eventId: string, e: Obj): SlackEvent | string {
  const channel = str(e, 'channel');
  if (!channel) return 'message event without channel';
  const subtype = str(e, 'subtype');

  if (subtype === 'message_changed') {
    // The edited message is nested; its ts (not the event's own ts) says which message changed.
    const m = obj(e, 'message');
    const ts = str(m, 'ts');
    if (!m || !ts) return 'message_changed without message.ts';
    return compact({
      kind: 'message_changed' as const,
      eventId,
      channel,
      ts,
      threadTs: str(m, 'thread_ts'),
      user: str(m, 'user'),
      botId: str(m, 'bot_id'),
      text: text(m) ?? '',
      previousText: text(obj(e, 'previous_message')),
    });
  }

  if (subtype === 'message_deleted') {
    // Only `previous_message` says whose message it was and in which thread; it may be absent.
    const ts = str(e, 'deleted_ts');
    if (!ts) return 'message_deleted without deleted_ts';
    const prev = obj(e, 'previous_message');
    return compact({
      kind: 'message_deleted' as const,
      eventId,
      channel,
      ts,
      threadTs: str(prev, 'thread_ts'),
      user: str(prev, 'user'),
      botId: str(prev, 'bot_id'),
    });
  }

  const ts = str(e, 'ts');
  if (!ts) return 'message event without ts';
  const files = Array.isArray(e.files) ? e.files.map(fileRef).filter((f): f is SlackFileRef => f !== undefined) : [];
  return compact({
    kind: 'message' as const,
    eventId,
    channel,
    // Bot posts may carry only bot_id; intake drops them on bot_id, so an empty user is never acted on.
    user: str(e, 'user') ?? '',
    ts,
    threadTs: str(e, 'thread_ts'),
    text: text(e) ?? '',
    files: files.length > 0 ? files : undefined,
    botId: str(e, 'bot_id'),
    subtype,
  });
}

/**
 * A shared file as the relay downloads it. Files from Slack Connect partners can arrive as stubs
 * (`"file_access": "check_file_info"`, no url_private); those need files.info and are left out.
 */
function fileRef(f: unknown): SlackFileRef | undefined {
  if (!isObj(f)) return undefined;
  const id = str(f, 'id');
  const urlPrivate = str(f, 'url_private');
  if (!id || !urlPrivate) return undefined;
  return compact({
    id,
    name: str(f, 'name') ?? str(f, 'title') ?? id,
    mimetype: str(f, 'mimetype') ?? 'application/octet-stream',
    filetype: str(f, 'filetype'),
    size: typeof f.size === 'number' ? f.size : 0,
    urlPrivate,
    subtype: str(f, 'subtype'),
  });
}

function reactionEvent(eventId: string, e: Obj, kind: 'reaction_added' | 'reaction_removed'): SlackEvent | string {
  const item = obj(e, 'item');
  // Reactions on files and file comments are no longer sent, but the docs still list them.
  if (item?.type !== 'message') return `${kind} on a ${JSON.stringify(item?.type)} item, not a message`;
  const channel = str(item, 'channel');
  const itemTs = str(item, 'ts');
  const user = str(e, 'user');
  const reaction = str(e, 'reaction');
  if (!channel || !itemTs || !user || !reaction) return `${kind} without item.channel, item.ts, user or reaction`;
  return { kind, eventId, channel, user, itemTs, reaction };
}

/**
 * An interactivity payload. `block_actions` on a message gives one SlackActionEvent per action;
 * other payload types (shortcuts, modals, menus) and actions outside messages are dropped.
 */
export function normaliseInteraction(payload: unknown): Normalised {
  if (!isObj(payload)) return { ok: false, reason: 'interaction payload is not a JSON object' };
  const type = str(payload, 'type');
  if (!type) return { ok: false, reason: 'interaction payload without type' };
  if (type !== 'block_actions') return { ok: true, events: [], dropped: [`interaction type ${JSON.stringify(type)} is not one the bridge handles`] };

  const container = obj(payload, 'container');
  const message = obj(payload, 'message');
  const channel = str(obj(payload, 'channel'), 'id') ?? str(container, 'channel_id');
  const messageTs = str(container, 'message_ts') ?? str(message, 'ts');
  const user = str(obj(payload, 'user'), 'id');
  if (!channel || !messageTs) return { ok: true, events: [], dropped: ['block_actions outside a channel message (a view or an ephemeral surface)'] };
  if (!user) return { ok: false, reason: 'block_actions without user.id' };
  const threadTs = str(message, 'thread_ts') ?? str(container, 'thread_ts');

  const events: SlackEvent[] = [];
  const dropped: string[] = [];
  for (const action of Array.isArray(payload.actions) ? payload.actions : []) {
    const a = isObj(action) ? action : undefined;
    const actionId = str(a, 'action_id');
    const actionTs = str(a, 'action_ts');
    if (!actionId || !actionTs) {
      dropped.push('block_actions action without action_id or action_ts');
      continue;
    }
    const event: SlackActionEvent = compact({
      kind: 'action' as const,
      // Interactivity payloads carry no event id. These fields are the same in every copy Slack
      // sends of one click and differ between two clicks (action_ts), so they deduplicate the click.
      eventId: `action:${channel}:${messageTs}:${actionId}:${actionTs}`,
      channel,
      actionId,
      // Buttons carry `value`; select menus carry `selected_option.value`.
      value: str(a, 'value') ?? str(obj(a, 'selected_option'), 'value') ?? '',
      user,
      messageTs,
      threadTs,
    });
    events.push(event);
  }
  if (events.length === 0 && dropped.length === 0) dropped.push('block_actions without actions');
  return { ok: true, events, dropped };
}
