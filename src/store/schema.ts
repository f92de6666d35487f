import type { Generated, Insertable, Selectable } from 'kysely';
import type { IdentifierKind } from '../core/store/identities.js';
import type { JobStatus } from '../core/store/queue.js';
import { columnsOf } from './columns.js';

export type { IdentifierKind, JobStatus };

/** Times are epoch milliseconds in every adapter: one representation, no time-zone surprises. */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  /** Conversation key: jobs with the same lane run one at a time, in id order. */
  lane: string;
  payload: string;
  dedupe_key: string | null;
  status: JobStatus;
  attempts: Generated<number>;
  /** Times a lease on this job expired (its worker died or hung): bounded by the crash budget. */
  crashes: Generated<number>;
  max_attempts: number;
  run_at: number;
  locked_until: number | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
  /** When the job was first claimed; null until then. */
  first_run_at: number | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface ContactsTable {
  /** The conversation key: wa_id for a person, the group id for a group. */
  chat_id: string;
  transport: string;
  wa_id: string;
  name: string | null;
  phone: string;
  business_number: string | null;
  photo_url: string | null;
  is_group: number;
  slack_channel: string | null;
  card_ts: string | null;
  last_inbound_at: number | null;
  created_at: number;
  updated_at: number;
  /** Cloud API username, as the card shows it (migration 8). */
  username: string | null;
  /** Cloud API business-scoped user id (BSUID), the address when the number is withheld (migration 8). */
  user_id: string | null;
  /** The route of the number written to; `default` for rows from before routes (migration 13). */
  route: string;
}

/** How a person is found: each identifier belongs to one conversation (migration 8). */
export interface ContactIdentifiersTable {
  kind: IdentifierKind;
  value: string;
  chat_id: string;
  created_at: number;
}

export interface MessageMapTable {
  wa_message_id: string;
  chat_id: string;
  direction: 'in' | 'out';
  slack_channel: string;
  slack_ts: string;
  excerpt: string | null;
  status: string | null;
  status_at: number | null;
  status_error: string | null;
  created_at: number;
}

export interface MessageStatusesTable {
  wa_message_id: string;
  status: string;
  at: number;
  recipient: string | null;
  errors: string | null;
}

export interface EffectsTable {
  key: string;
  value: string;
  created_at: number;
}

export interface TicketsTable {
  key: string;
  chat_id: string;
  issue_id: string;
  status: string;
  done: number;
  url: string;
  /** SlaState[] as JSON, as last read from Jira. */
  sla: string | null;
  /** Names of the SLAs already warned about (JSON array). */
  sla_warned: string | null;
  sla_checked_at: number | null;
  created_at: number;
  closed_at: number | null;
}

export interface JiraPendingCommentsTable {
  id: Generated<number>;
  chat_id: string;
  body: string;
  is_public: number;
  created_at: number;
  /** What the line came from (`wa:<wamid>`, `slack:<event id>`), unique; null for lines kept before migration 5. */
  source_key: string | null;
  /** The comment batch the line went into; null while it waits. */
  batch_id: number | null;
}

/** One Jira comment made of lines: recorded (intent) before it is posted, marked posted afterwards. */
export interface JiraCommentBatchesTable {
  id: Generated<number>;
  chat_id: string;
  ticket_key: string;
  is_public: number;
  /** The exact body posted, to find the comment again in Jira. */
  body: string;
  created_at: number;
  posted_at: number | null;
  comment_id: string | null;
}

/** The WhatsApp Web session (Baileys credentials and Signal keys), JSON with Buffers as base64. */
export interface WaAuthTable {
  /** `<session>:creds` or `<session>:<key type>:<key id>`. */
  id: string;
  value: string;
  updated_at: number | null;
}

/** Shared rate-limit buckets (migration 6): GCRA's theoretical arrival time per key. */
export interface RateBucketsTable {
  key: string;
  tat: number;
  paused_until: number;
  wait_ms: number;
  updated_at: number;
}

/** A saved reply agents share (migration 11). */
export interface SavedRepliesTable {
  name: string;
  text: string;
  file_url: string | null;
  /** Migration 12: SavedReply.file as JSON. */
  file_json: string | null;
  updated_by: string;
  updated_at: number;
}

/** Who started a conversation from Slack (migration 11). */
export interface ConversationStartsTable {
  chat_id: string;
  started_by: string;
  started_at: number;
}

export interface Database {
  rate_buckets: RateBucketsTable;
  saved_replies: SavedRepliesTable;
  conversation_starts: ConversationStartsTable;
  tickets: TicketsTable;
  jira_pending_comments: JiraPendingCommentsTable;
  jira_comment_batches: JiraCommentBatchesTable;
  jobs: JobsTable;
  schema_migrations: SchemaMigrationsTable;
  contacts: ContactsTable;
  contact_identifiers: ContactIdentifiersTable;
  message_map: MessageMapTable;
  message_statuses: MessageStatusesTable;
  effects: EffectsTable;
  wa_auth: WaAuthTable;
}

export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;

/** Whole rows, by column name (columns.ts says why). */
export const CONTACT_COLUMNS = columnsOf<ContactsTable>({ chat_id: true, transport: true, wa_id: true, name: true, phone: true, business_number: true, photo_url: true, is_group: true, slack_channel: true, card_ts: true, last_inbound_at: true, created_at: true, updated_at: true, username: true, user_id: true, route: true });
export const MESSAGE_MAP_COLUMNS = columnsOf<MessageMapTable>({ wa_message_id: true, chat_id: true, direction: true, slack_channel: true, slack_ts: true, excerpt: true, status: true, status_at: true, status_error: true, created_at: true });
export const TICKET_COLUMNS = columnsOf<TicketsTable>({ key: true, chat_id: true, issue_id: true, status: true, done: true, url: true, sla: true, sla_warned: true, sla_checked_at: true, created_at: true, closed_at: true });
export const JIRA_PENDING_COMMENT_COLUMNS = columnsOf<JiraPendingCommentsTable>({ id: true, chat_id: true, body: true, is_public: true, created_at: true, source_key: true, batch_id: true });
export const JIRA_COMMENT_BATCH_COLUMNS = columnsOf<JiraCommentBatchesTable>({ id: true, chat_id: true, ticket_key: true, is_public: true, body: true, created_at: true, posted_at: true, comment_id: true });
export const SAVED_REPLY_COLUMNS = columnsOf<SavedRepliesTable>({ name: true, text: true, file_url: true, file_json: true, updated_by: true, updated_at: true });
export const CONVERSATION_START_COLUMNS = columnsOf<ConversationStartsTable>({ chat_id: true, started_by: true, started_at: true });
