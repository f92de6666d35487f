import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../sql-store.js';
import { rateBuckets } from './006-rate-buckets.js';
import { contactIdentifiers } from './008-contact-identifiers.js';
import { finishedJobsIndexes } from './009-finished-jobs-indexes.js';
import { conversationStates } from './010-conversation-states.js';
import { agentStart } from './011-agent-start.js';
import { cardMessages } from './012-card-messages.js';
import { routes } from './013-routes.js';
import { runningJobsIndex } from './014-running-jobs-index.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Auto-incrementing 64-bit key in either dialect. */
export function idColumnType(dialect: Dialect) {
  return dialect === 'postgres' ? sql`bigserial` : sql`integer`;
}

/**
 * Numbered, append-only. Never edit a migration that has shipped: add the next number.
 * Each runs in its own transaction (see migrator.ts).
 */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'job queue',
    async up(db, dialect) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', idColumnType(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('lane', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('locked_by', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
      // The claim query looks for the head of each lane among unfinished jobs.
      await sql`CREATE INDEX jobs_open_lane ON jobs (lane, id) WHERE status IN ('pending', 'running')`.execute(db);
      await sql`CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status = 'done'`.execute(db);
    },
  },
  {
    version: 2,
    name: 'contacts, message map, side-effect log',
    async up(db) {
      await db.schema
        .createTable('contacts')
        .addColumn('chat_id', 'text', (c) => c.primaryKey())
        .addColumn('transport', 'text', (c) => c.notNull())
        .addColumn('wa_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('business_number', 'text')
        .addColumn('photo_url', 'text')
        .addColumn('is_group', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('slack_channel', 'text')
        .addColumn('card_ts', 'text')
        .addColumn('last_inbound_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // One card per contact, and no card shared by two contacts.
      await db.schema.createIndex('contacts_card').unique().on('contacts').columns(['slack_channel', 'card_ts']).execute();

      await db.schema
        .createTable('message_map')
        .addColumn('wa_message_id', 'text', (c) => c.primaryKey())
        .addColumn('chat_id', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('slack_channel', 'text', (c) => c.notNull())
        .addColumn('slack_ts', 'text', (c) => c.notNull())
        .addColumn('excerpt', 'text')
        .addColumn('status', 'text')
        .addColumn('status_at', 'bigint')
        .addColumn('status_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('message_map_slack').on('message_map').columns(['slack_channel', 'slack_ts']).execute();

      // Delivery statuses as they arrive, kept even before the message they belong to is known.
      await db.schema
        .createTable('message_statuses')
        .addColumn('wa_message_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('recipient', 'text')
        .addColumn('errors', 'text')
        .addPrimaryKeyConstraint('message_statuses_pk', ['wa_message_id', 'status'])
        .execute();

      // Results of side effects (Slack ts, file ids…) keyed by what caused them, so a retried
      // job finds its work done instead of repeating it.
      await db.schema
        .createTable('effects')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 3,
    name: 'Jira tickets and pending comments',
    async up(db, dialect) {
      await db.schema
        .createTable('tickets')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('chat_id', 'text', (c) => c.notNull())
        .addColumn('issue_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('sla', 'text')
        .addColumn('sla_warned', 'text')
        .addColumn('sla_checked_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .execute();
      await sql`CREATE INDEX tickets_open ON tickets (chat_id) WHERE closed_at IS NULL`.execute(db);

      await db.schema
        .createTable('jira_pending_comments')
        .addColumn('id', idColumnType(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('chat_id', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('is_public', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jira_pending_comments_chat').on('jira_pending_comments').columns(['chat_id', 'id']).execute();
    },
  },
  {
    version: 4,
    name: 'WhatsApp Web auth state',
    async up(db) {
      // One row per credential or Signal key, so a key update rewrites one small row, not the session.
      await db.schema
        .createTable('wa_auth')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint')
        .execute();
    },
  },
  {
    version: 5,
    name: 'Jira lines keyed by their source, comment batches recorded before they are posted',
    async up(db, dialect) {
      // A line is added by one idempotent insert: its source (`wa:<wamid>`, `slack:<event id>`) is unique.
      // NULLs (lines kept before this migration) do not collide in a unique index, on either dialect.
      await db.schema.alterTable('jira_pending_comments').addColumn('source_key', 'text').execute();
      await db.schema.alterTable('jira_pending_comments').addColumn('batch_id', 'bigint').execute();
      await db.schema.createIndex('jira_pending_comments_source').unique().on('jira_pending_comments').column('source_key').execute();
      await sql`CREATE INDEX jira_pending_comments_unbatched ON jira_pending_comments (chat_id, id) WHERE batch_id IS NULL`.execute(db);

      // The intent (which lines, the exact body, when) is written before the comment is posted and the
      // result after it, so a retry that finds an intent without a result looks the comment up in Jira first.
      await db.schema
        .createTable('jira_comment_batches')
        .addColumn('id', idColumnType(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('chat_id', 'text', (c) => c.notNull())
        .addColumn('ticket_key', 'text', (c) => c.notNull())
        .addColumn('is_public', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('posted_at', 'bigint')
        .addColumn('comment_id', 'text')
        .execute();
      await sql`CREATE INDEX jira_comment_batches_unfinished ON jira_comment_batches (chat_id, id) WHERE posted_at IS NULL`.execute(db);
      await sql`CREATE INDEX jira_comment_batches_posted ON jira_comment_batches (posted_at) WHERE posted_at IS NOT NULL`.execute(db);
    },
  },
  rateBuckets,
  {
    version: 7,
    name: 'job crash count and first run',
    async up(db) {
      // A lease that expires (the worker died or hung) counts against the job's crash budget, and
      // the time of the first run tells a later attempt to look for what an earlier one did.
      await db.schema.alterTable('jobs').addColumn('crashes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('jobs').addColumn('first_run_at', 'bigint').execute();
    },
  },
  contactIdentifiers,
  finishedJobsIndexes,
  conversationStates,
  agentStart,
  cardMessages,
  routes,
  runningJobsIndex,
];
