import type { Migration } from './index.js';

/**
 * The card this app drew inside a conversation's thread when the thread's parent is another app's
 * message (a thread adopted from WhatsAppInSlack: Slack lets only the posting app edit a message).
 * Beside the conversation's state, but written on its own: saving the state never clears it. And a
 * saved reply's Slack file (JSON: id, name, mimetype, size, url_private).
 */
export const cardMessages: Migration = {
  version: 12,
  name: 'the card drawn in an adopted thread; saved replies with a Slack file',
  async up(db) {
    await db.schema.alterTable('conversation_states').addColumn('card_message_ts', 'text').execute();
    await db.schema.alterTable('saved_replies').addColumn('file_json', 'text').execute();
  },
};
