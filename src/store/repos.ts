import type { Kysely } from 'kysely';
import { isStatusUpgrade, type DeliveryStatus } from '../core/model.js';
import type { ContactRecord, ContactStore, EffectLog, MessageLink, MessageMap } from '../core/ports.js';
import { CONTACT_COLUMNS, MESSAGE_MAP_COLUMNS, type ContactsTable, type Database, type MessageMapTable } from './schema.js';
import { DEFAULT_ROUTE } from '../core/routes.js';

type Row<T> = { [K in keyof T]: T[K] };

function toContact(r: Row<ContactsTable>): ContactRecord {
  return {
    chatId: r.chat_id,
    route: r.route,
    transport: r.transport as ContactRecord['transport'],
    waId: r.wa_id,
    name: r.name ?? undefined,
    phone: r.phone,
    username: r.username ?? undefined,
    bsuid: r.user_id ?? undefined,
    businessNumber: r.business_number ?? undefined,
    photoUrl: r.photo_url ?? undefined,
    isGroup: Boolean(r.is_group),
    slackChannel: r.slack_channel ?? undefined,
    cardTs: r.card_ts ?? undefined,
    lastInboundAt: r.last_inbound_at === null ? undefined : Number(r.last_inbound_at),
  };
}

export function createContactStore(db: Kysely<Database>, now: () => number = Date.now): ContactStore {
  const get = async (chatId: string) => {
    const row = await db.selectFrom('contacts').select(CONTACT_COLUMNS).where('chat_id', '=', chatId).executeTakeFirst();
    return row ? toContact(row) : undefined;
  };
  return {
    get,
    async upsert(c) {
      const t = now();
      const fields = {
        transport: c.transport,
        wa_id: c.waId,
        name: c.name ?? null,
        phone: c.phone,
        username: c.username ?? null,
        user_id: c.bsuid ?? null,
        business_number: c.businessNumber ?? null,
        photo_url: c.photoUrl ?? null,
        is_group: c.isGroup ? 1 : 0,
        last_inbound_at: c.lastInboundAt ?? null,
        updated_at: t,
      };
      const row = await db
        .insertInto('contacts')
        // A conversation's route never changes (its key is the route's): it is written once.
        .values({ chat_id: c.chatId, route: c.route ?? DEFAULT_ROUTE, ...fields, slack_channel: null, card_ts: null, created_at: t })
        .onConflict((oc) =>
          oc.column('chat_id').doUpdateSet((eb) => ({
            ...fields,
            // Keep what we knew when this update does not say.
            name: eb.fn.coalesce(eb.val(fields.name), eb.ref('contacts.name')),
            username: eb.fn.coalesce(eb.val(fields.username), eb.ref('contacts.username')),
            user_id: eb.fn.coalesce(eb.val(fields.user_id), eb.ref('contacts.user_id')),
            photo_url: eb.fn.coalesce(eb.val(fields.photo_url), eb.ref('contacts.photo_url')),
            business_number: eb.fn.coalesce(eb.val(fields.business_number), eb.ref('contacts.business_number')),
            last_inbound_at: eb.fn.coalesce(eb.val(fields.last_inbound_at), eb.ref('contacts.last_inbound_at')),
          })),
        )
        // The row as it now is, in the same round trip (inserted, or updated with what was kept).
        .returning(CONTACT_COLUMNS)
        .executeTakeFirstOrThrow();
      return toContact(row);
    },
    async setCard(chatId, slackChannel, cardTs) {
      await db.updateTable('contacts').set({ slack_channel: slackChannel, card_ts: cardTs, updated_at: now() }).where('chat_id', '=', chatId).execute();
    },
    async findByCard(slackChannel, cardTs) {
      const row = await db.selectFrom('contacts').select(CONTACT_COLUMNS).where('slack_channel', '=', slackChannel).where('card_ts', '=', cardTs).executeTakeFirst();
      return row ? toContact(row) : undefined;
    },
  };
}

function toLink(r: Row<MessageMapTable>): MessageLink {
  return {
    waMessageId: r.wa_message_id,
    chatId: r.chat_id,
    direction: r.direction,
    slackChannel: r.slack_channel,
    slackTs: r.slack_ts,
    excerpt: r.excerpt ?? undefined,
    status: (r.status as DeliveryStatus | null) ?? undefined,
    statusError: r.status_error ?? undefined,
  };
}

export function createMessageMap(db: Kysely<Database>, now: () => number = Date.now): MessageMap {
  const byWaId = async (id: string) => {
    const row = await db.selectFrom('message_map').select(MESSAGE_MAP_COLUMNS).where('wa_message_id', '=', id).executeTakeFirst();
    return row ? toLink(row) : undefined;
  };
  return {
    byWaId,
    async link(l) {
      await db
        .insertInto('message_map')
        .values({
          wa_message_id: l.waMessageId,
          chat_id: l.chatId,
          direction: l.direction,
          slack_channel: l.slackChannel,
          slack_ts: l.slackTs,
          excerpt: l.excerpt ?? null,
          status: null,
          status_at: null,
          status_error: null,
          created_at: now(),
        })
        .onConflict((oc) => oc.column('wa_message_id').doNothing())
        .execute();
    },
    async latestInbound(chatId) {
      const row = await db.selectFrom('message_map').select(MESSAGE_MAP_COLUMNS).where('chat_id', '=', chatId).where('direction', '=', 'in').orderBy('created_at', 'desc').executeTakeFirst();
      return row ? toLink(row) : undefined;
    },
    async allBySlackTs(channel, ts) {
      const rows = await db.selectFrom('message_map').select(MESSAGE_MAP_COLUMNS).where('slack_channel', '=', channel).where('slack_ts', '=', ts).orderBy('created_at').execute();
      return rows.map(toLink);
    },
    async bySlackTs(channel, ts) {
      const row = await db.selectFrom('message_map').select(MESSAGE_MAP_COLUMNS).where('slack_channel', '=', channel).where('slack_ts', '=', ts).executeTakeFirst();
      return row ? toLink(row) : undefined;
    },
    async recordStatus(update) {
      const errors = update.errors && update.errors.length > 0 ? JSON.stringify(update.errors) : null;
      return db.transaction().execute(async (trx) => {
        await trx
          .insertInto('message_statuses')
          .values({ wa_message_id: update.messageId, status: update.status, at: update.timestamp, recipient: update.recipient, errors })
          .onConflict((oc) => oc.columns(['wa_message_id', 'status']).doNothing())
          .execute();
        const row = await trx.selectFrom('message_map').select(MESSAGE_MAP_COLUMNS).where('wa_message_id', '=', update.messageId).executeTakeFirst();
        if (!row) return { status: update.status, changed: false };
        const current = (row.status as DeliveryStatus | null) ?? undefined;
        if (!isStatusUpgrade(current, update.status)) return { status: current!, changed: false, link: toLink(row) };
        await trx
          .updateTable('message_map')
          .set({ status: update.status, status_at: update.timestamp, status_error: update.status === 'failed' ? errors : row.status_error })
          .where('wa_message_id', '=', update.messageId)
          .execute();
        return { status: update.status, changed: true, previous: current, link: toLink({ ...row, status: update.status }) };
      });
    },
  };
}

export function createEffectLog(db: Kysely<Database>, now: () => number = Date.now): EffectLog {
  return {
    async get(key) {
      const row = await db.selectFrom('effects').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },
    async put(key, value) {
      await db
        .insertInto('effects')
        .values({ key, value, created_at: now() })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
    async prune(olderThan) {
      const r = await db.deleteFrom('effects').where('created_at', '<', olderThan).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
