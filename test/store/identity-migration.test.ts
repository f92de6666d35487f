import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations/index.js';
import { runMigrations } from '../../src/store/migrator.js';
import { sqlDb } from '../../src/store/sql-store.js';
import { CHANNEL, startHarness, type Harness } from '../support/harness.js';
import { storeFixtures, type CreatedStore, type StoreFixture } from '../support/stores.js';
import { textWebhook, WA_ID } from '../support/webhooks.js';

/** The card's ts as the release before migration 8 recorded it. */
const CARD_TS = '1749416000.000100';
const LID_CHAT = '123456789012345@lid';
const GROUP_CHAT = '120363025246125486@g.us';

/** A database as the release before migration 8 left it: a Cloud API person with a card, a request and a mapped message; a LID contact; a group. */
async function databaseOfThePreviousRelease(fixture: StoreFixture): Promise<CreatedStore> {
  const created = await fixture.create();
  const store = await created.open();
  try {
    await runMigrations(store.db, store.dialect, migrations.filter((m) => m.version <= 7));
    const t = 1_749_416_000_000;
    const contact = { transport: 'cloud', business_number: '15550783881', photo_url: null, last_inbound_at: Date.now(), created_at: t, updated_at: t };
    // Raw rows (as that release's code wrote them): no column of migration 8 is known here.
    await sql`INSERT INTO contacts (chat_id, transport, wa_id, name, phone, business_number, photo_url, is_group, slack_channel, card_ts, last_inbound_at, created_at, updated_at)
      VALUES (${WA_ID}, ${contact.transport}, ${WA_ID}, ${'Sheena Nelson'}, ${WA_ID}, ${contact.business_number}, ${null}, ${0}, ${CHANNEL}, ${CARD_TS}, ${contact.last_inbound_at}, ${t}, ${t}),
             (${LID_CHAT}, ${'web'}, ${LID_CHAT}, ${'Ana'}, ${LID_CHAT}, ${null}, ${null}, ${0}, ${CHANNEL}, ${'1749416000.000200'}, ${null}, ${t + 1}, ${t + 1}),
             (${GROUP_CHAT}, ${'web'}, ${GROUP_CHAT}, ${'Ward 3'}, ${''}, ${null}, ${null}, ${1}, ${CHANNEL}, ${'1749416000.000300'}, ${null}, ${t + 2}, ${t + 2})`.execute(store.db);
    await sql`INSERT INTO message_map (wa_message_id, chat_id, direction, slack_channel, slack_ts, excerpt, status, status_at, status_error, created_at)
      VALUES (${'wamid.before-upgrade'}, ${WA_ID}, ${'in'}, ${CHANNEL}, ${'1749416000.000150'}, ${'before the upgrade'}, ${null}, ${null}, ${null}, ${t})`.execute(store.db);
    await sql`INSERT INTO tickets (key, chat_id, issue_id, status, done, url, sla, sla_warned, sla_checked_at, created_at, closed_at)
      VALUES (${'SUP-7'}, ${WA_ID}, ${'10007'}, ${'Waiting for support'}, ${0}, ${'https://example.atlassian.net/browse/SUP-7'}, ${'[]'}, ${'[]'}, ${null}, ${t}, ${null})`.execute(store.db);
    await sql`INSERT INTO effects (key, value, created_at) VALUES (${`card:${WA_ID}`}, ${CARD_TS}, ${t})`.execute(store.db);
  } finally {
    await store.close();
  }
  return created;
}

describe.each(storeFixtures)('migration 8 (contact identifiers) on $name', (fixture) => {
  let h: Harness | undefined;
  let created: CreatedStore | undefined;
  afterEach(async () => {
    if (h) await h.close();
    else await created?.drop();
    h = undefined;
    created = undefined;
  });

  it('carries every contact over by the identifier it was keyed by, and changes nothing else', async () => {
    created = await databaseOfThePreviousRelease(fixture);
    const store = await created.open();
    try {
      expect((await store.migrate()).applied).toEqual(migrations.filter((m) => m.version > 7).map((m) => m.version));
      const ids = await store.db.selectFrom('contact_identifiers').select(['kind', 'value', 'chat_id']).orderBy('chat_id').execute();
      expect(ids).toEqual([
        { kind: 'lid', value: LID_CHAT, chat_id: LID_CHAT },
        { kind: 'phone', value: WA_ID, chat_id: WA_ID },
      ]);
      const contacts = await store.db.selectFrom('contacts').select(['chat_id', 'card_ts', 'phone', 'username', 'user_id', 'route']).orderBy('chat_id').execute();
      // Every conversation from before routes is the implicit single route's (migration 12).
      expect(contacts).toEqual([
        { chat_id: GROUP_CHAT, card_ts: '1749416000.000300', phone: '', username: null, user_id: null, route: 'default' },
        { chat_id: LID_CHAT, card_ts: '1749416000.000200', phone: LID_CHAT, username: null, user_id: null, route: 'default' },
        { chat_id: WA_ID, card_ts: CARD_TS, phone: WA_ID, username: null, user_id: null, route: 'default' },
      ]);
      expect(await store.db.selectFrom('tickets').select(['key', 'chat_id']).execute()).toEqual([{ key: 'SUP-7', chat_id: WA_ID }]);
      expect(await store.db.selectFrom('message_map').select(['wa_message_id', 'chat_id']).execute()).toEqual([{ wa_message_id: 'wamid.before-upgrade', chat_id: WA_ID }]);
      // One conversation per identifier: a second claim on the number is refused.
      await expect(
        store.db.insertInto('contact_identifiers').values({ kind: 'phone', value: WA_ID, chat_id: 'someone-else', created_at: 1 }).execute(),
      ).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it('shows the next message of an upgraded contact in its old thread, without a second card', async () => {
    created = await databaseOfThePreviousRelease(fixture);
    const database = created;
    // The card was posted by the old release, into a workspace this fake has not seen: Slack takes a reply to any ts.
    h = await startHarness({ store: { name: fixture.name, create: async () => database }, slack: { threadTsPolicy: 'slack' } });
    expect((await h.webhook(textWebhook('wamid.after-upgrade', 'after the upgrade', { timestamp: Math.floor(Date.now() / 1000) }))).status).toBe(200);
    await h.drain();
    expect(h.slack.topLevel(CHANNEL)).toEqual([]);
    const replies = h.slack.threadReplies(CHANNEL, CARD_TS);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain('after the upgrade');
    const link = await sqlDb(h.app.store).selectFrom('message_map').select(['chat_id', 'slack_ts']).where('wa_message_id', '=', 'wamid.after-upgrade').executeTakeFirstOrThrow();
    expect(link.chat_id).toBe(WA_ID);
  });
});
