import { sql } from 'kysely';
import { idColumnType, type Migration } from './index.js';

/**
 * The conversation as agents run it from the card (issue 12): its status and owner, and every card
 * action with who pressed it and when. The action's interaction key is unique, so Slack's retries and
 * a job run twice record one action; the audit of a later issue reads `agent_actions` as it is.
 */
export const conversationStates: Migration = {
  version: 10,
  name: 'conversation states and agent actions',
  async up(db, dialect) {
    await db.schema
      .createTable('conversation_states')
      .addColumn('chat_id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('owner_user_id', 'text')
      .addColumn('owner_name', 'text')
      .addColumn('owner_jira', 'text')
      .addColumn('deleted_request', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('agent_actions')
      .addColumn('id', idColumnType(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('interaction_key', 'text', (c) => c.notNull().unique())
      .addColumn('chat_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('applied', 'integer', (c) => c.notNull())
      .execute();
    await sql`CREATE INDEX agent_actions_chat ON agent_actions (chat_id, id)`.execute(db);
  },
};
