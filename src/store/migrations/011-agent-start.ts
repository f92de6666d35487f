import type { Migration } from './index.js';

/**
 * Saved replies agents share (issue 12), and who started a conversation from Slack (the card says
 * so, every time it is drawn again).
 */
export const agentStart: Migration = {
  version: 11,
  name: 'saved replies and conversations started from Slack',
  async up(db) {
    await db.schema
      .createTable('saved_replies')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('file_url', 'text')
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('conversation_starts')
      .addColumn('chat_id', 'text', (c) => c.primaryKey())
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
