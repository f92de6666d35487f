/**
 * Slack events as the relay sees them, whichever way they arrived (Events API over HTTP or Socket
 * Mode). Receivers turn Slack's payloads into these; nothing past them reads Slack's raw shapes.
 */

export interface SlackFileRef {
  id: string;
  name: string;
  mimetype: string;
  /** Slack's own type name, e.g. "mp4", "webm", "pdf". */
  filetype?: string;
  size: number;
  urlPrivate: string;
  /** "slack_audio" / "slack_video" for clips recorded in Slack. */
  subtype?: string;
}

interface Base {
  /** Slack's event_id (Events API) or an id derived from the interaction: the dedupe key. */
  eventId: string;
  channel: string;
}

export interface SlackMessageEvent extends Base {
  kind: 'message';
  user: string;
  ts: string;
  threadTs?: string;
  text: string;
  files?: SlackFileRef[];
  /** Present on posts by bots (including our own). */
  botId?: string;
  /** Slack's subtype: undefined for a plain message, "file_share", "thread_broadcast"… */
  subtype?: string;
}

export interface SlackMessageChangedEvent extends Base {
  kind: 'message_changed';
  ts: string;
  threadTs?: string;
  user?: string;
  botId?: string;
  text: string;
  previousText?: string;
}

export interface SlackMessageDeletedEvent extends Base {
  kind: 'message_deleted';
  /** The ts of the message that was deleted. */
  ts: string;
  threadTs?: string;
  user?: string;
  botId?: string;
}

export interface SlackReactionEvent extends Base {
  kind: 'reaction_added' | 'reaction_removed';
  user: string;
  /** The message the reaction is on. */
  itemTs: string;
  /** Slack emoji name, e.g. "+1" or "heart::skin-tone-2". */
  reaction: string;
}

/** A click on one of the bridge's buttons (block_actions). */
export interface SlackActionEvent extends Base {
  kind: 'action';
  actionId: string;
  value: string;
  user: string;
  /** The message that carries the button. */
  messageTs: string;
  threadTs?: string;
}

export type SlackEvent = SlackMessageEvent | SlackMessageChangedEvent | SlackMessageDeletedEvent | SlackReactionEvent | SlackActionEvent;
