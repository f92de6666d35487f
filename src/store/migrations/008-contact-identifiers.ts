import { sql } from 'kysely';
import type { Migration } from './index.js';

/**
 * A contact is a person with identifiers (issue 10): a phone number, a business-scoped user id
 * (BSUID) and its parent, a username (Cloud API), a LID (WhatsApp Web). Each identifier belongs to
 * one conversation (`chat_id`, which never changes: the card, thread, requests and message map hang
 * off it), so a number that turns up later for a known BSUID, or a BSUID for a known number, finds
 * the same conversation instead of opening a second one.
 *
 * Every existing person is carried over by the identifier their conversation was keyed by: the
 * number (or, on WhatsApp Web, the `…@lid` id). The contact row gains the username and BSUID the
 * card shows and replies are addressed to.
 */
export const contactIdentifiers: Migration = {
  version: 8,
  name: 'contact identifiers (phone, BSUID, username, LID)',
  async up(db) {
    await db.schema
      .createTable('contact_identifiers')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('chat_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('contact_identifiers_pk', ['kind', 'value'])
      .execute();
    await db.schema.createIndex('contact_identifiers_chat').on('contact_identifiers').columns(['chat_id', 'kind']).execute();
    await db.schema.alterTable('contacts').addColumn('username', 'text').execute();
    await db.schema.alterTable('contacts').addColumn('user_id', 'text').execute();
    // Oldest first: were one number ever the key of two conversations (it cannot be on one
    // transport), the first keeps it.
    await sql`
      INSERT INTO contact_identifiers (kind, value, chat_id, created_at)
      SELECT CASE WHEN phone LIKE '%@lid' THEN 'lid' ELSE 'phone' END, phone, chat_id, created_at
      FROM contacts
      WHERE is_group = 0 AND phone <> ''
      ORDER BY created_at, chat_id
      ON CONFLICT (kind, value) DO NOTHING`.execute(db);
  },
};
