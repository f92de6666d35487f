import type { Kysely } from 'kysely';
import type { PersonIds } from '../core/model.js';
import type { Database, IdentifierKind } from './schema.js';

/** Identifiers a conversation is found by, strongest first: a BSUID names one person for this business. */
const FINDING: Array<[keyof PersonIds, IdentifierKind]> = [
  ['bsuid', 'bsuid'],
  ['phone', 'phone'],
  ['parentBsuid', 'parent_bsuid'],
  ['lid', 'lid'],
];

const pairs = (ids: PersonIds) =>
  FINDING.flatMap(([field, kind]) => {
    const value = ids[field]?.trim();
    return value ? [{ kind, value }] : [];
  });

/**
 * One person, one conversation: the identifiers WhatsApp sends are looked up, and the conversation
 * of the first one known is the person's; a person seen for the first time gets the conversation
 * key of their number (as before identifiers existed), or of their BSUID when the number is
 * withheld. Every identifier not yet known joins that conversation, so a number that arrives later
 * for a known BSUID (or a BSUID for a known number) finds the same card and thread.
 *
 * Runs in the intake transaction that queues the message, so the lane it is queued in is already
 * the person's: two webhooks of one person never open two conversations. A concurrent insert of the
 * same identifier loses quietly (primary key), and the winner's conversation is read back.
 */
export async function resolveConversation(db: Kysely<Database>, ids: PersonIds, now: number): Promise<Resolved | undefined> {
  const wanted = pairs(ids);
  if (wanted.length === 0) return undefined;
  const known = await findAll(db, wanted);
  const found = [...new Set(wanted.map((w) => known.get(`${w.kind}:${w.value}`)).filter((c): c is string => Boolean(c)))];
  if (found.length > 1) return merge(db, found, ids, now);
  let chatId = found[0];
  chatId ??= wanted.find((w) => w.kind === 'phone')?.value ?? wanted[0]!.value;
  await join(db, chatId, ids, now);
  // Another intake may have claimed one of them meanwhile: the first identifier decides.
  const after = await findAll(db, wanted);
  return { chatId: wanted.map((w) => after.get(`${w.kind}:${w.value}`)).find(Boolean) ?? chatId, merged: [] };
}

export interface Resolved {
  chatId: string;
  /** Conversations of the same person found apart until now: their identifiers now lead to `chatId`. */
  merged: string[];
}

/**
 * One message names identifiers of two conversations (a person known by LID and by number, or by
 * BSUID and by number, before anything linked them): they are one person. The oldest conversation
 * (the card with the longest history) keeps going; every identifier of the others leads to it from
 * now on. Their cards, threads and requests stay as they are, and the relay says so in both threads.
 */
async function merge(db: Kysely<Database>, chats: string[], ids: PersonIds, now: number): Promise<Resolved> {
  const rows = await db.selectFrom('contacts').select(['chat_id', 'created_at']).where('chat_id', 'in', chats).execute();
  const age = (c: string) => Number(rows.find((r) => r.chat_id === c)?.created_at ?? Number.MAX_SAFE_INTEGER);
  const [chatId, ...merged] = [...chats].sort((a, b) => age(a) - age(b) || chats.indexOf(a) - chats.indexOf(b));
  await db.updateTable('contact_identifiers').set({ chat_id: chatId! }).where('chat_id', 'in', merged).where('kind', '<>', 'username').execute();
  await join(db, chatId!, ids, now);
  return { chatId: chatId!, merged };
}

/** The conversation one of these identifiers belongs to, without recording anything. */
export async function findConversation(db: Kysely<Database>, values: Array<string | undefined>): Promise<string | undefined> {
  const present = values.filter((v): v is string => Boolean(v));
  if (present.length === 0) return undefined;
  const rows = await db
    .selectFrom('contact_identifiers')
    .select(['value', 'chat_id'])
    .where('kind', 'in', ['phone', 'bsuid', 'parent_bsuid', 'lid'])
    .where('value', 'in', present)
    .execute();
  return present.map((v) => rows.find((r) => r.value === v)?.chat_id).find(Boolean);
}

/** Identifiers join a conversation; one already another conversation's stays there. A username moves to its current holder. */
export async function join(db: Kysely<Database>, chatId: string, ids: PersonIds, now: number): Promise<void> {
  const rows = pairs(ids).map((p) => ({ ...p, chat_id: chatId, created_at: now }));
  if (rows.length > 0) {
    await db.insertInto('contact_identifiers').values(rows).onConflict((oc) => oc.columns(['kind', 'value']).doNothing()).execute();
  }
  const username = ids.username?.trim();
  if (username) {
    await db.deleteFrom('contact_identifiers').where('chat_id', '=', chatId).where('kind', '=', 'username').where('value', '<>', username).execute();
    await db
      .insertInto('contact_identifiers')
      .values({ kind: 'username', value: username, chat_id: chatId, created_at: now })
      .onConflict((oc) => oc.columns(['kind', 'value']).doUpdateSet({ chat_id: chatId }))
      .execute();
  }
}

async function findAll(db: Kysely<Database>, wanted: Array<{ kind: IdentifierKind; value: string }>): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('contact_identifiers')
    .select(['kind', 'value', 'chat_id'])
    .where((eb) => eb.or(wanted.map((w) => eb.and([eb('kind', '=', w.kind), eb('value', '=', w.value)]))))
    .execute();
  return new Map(rows.map((r) => [`${r.kind}:${r.value}`, r.chat_id]));
}
