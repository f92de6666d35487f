import type { PersonIds } from './model.js';
import { scopedChatId } from './routes.js';
import type { Identifier, IdentifierKind, IdentityStore } from './store/identities.js';

/** Identifiers a conversation is found by, strongest first: a BSUID names one person for this business. */
const FINDING: Array<[keyof PersonIds, IdentifierKind]> = [
  ['bsuid', 'bsuid'],
  ['phone', 'phone'],
  ['parentBsuid', 'parent_bsuid'],
  ['lid', 'lid'],
];

/** Kinds that find a conversation (a username only labels one: it can move to someone else). */
const FINDING_KINDS: IdentifierKind[] = FINDING.map(([, kind]) => kind);

const pairs = (ids: PersonIds): Identifier[] =>
  FINDING.flatMap(([field, kind]) => {
    const value = ids[field]?.trim();
    return value ? [{ kind, value }] : [];
  });

const keyOf = (i: Identifier) => `${i.kind}:${i.value}`;

async function findAll(store: IdentityStore, wanted: Identifier[]): Promise<Map<string, string>> {
  return new Map((await store.lookup(wanted)).map((k) => [keyOf(k), k.chatId]));
}

export interface Resolved {
  chatId: string;
  /** Conversations of the same person found apart until now: their identifiers now lead to `chatId`. */
  merged: string[];
}

/**
 * One person, one conversation: the identifiers WhatsApp sends are looked up, and the conversation
 * of the first one known is the person's; a person seen for the first time gets the conversation
 * key of their number (as before identifiers existed), or of their BSUID when the number is
 * withheld, in the route the message came in on. Every identifier not yet known joins that conversation, so a number that arrives later
 * for a known BSUID (or a BSUID for a known number) finds the same card and thread.
 *
 * Runs in the intake unit of work that queues the message, so the lane it is queued in is already
 * the person's. A concurrent claim of the same identifier loses quietly, and the winner's
 * conversation is read back. Every step is an idempotent upsert: repeating the whole resolution
 * (a retried webhook on a store without transactions) lands on the same conversation.
 */
export async function resolveConversation(store: IdentityStore, ids: PersonIds, now: number, route?: string): Promise<Resolved | undefined> {
  const wanted = pairs(ids);
  if (wanted.length === 0) return undefined;
  const known = await findAll(store, wanted);
  const found = [...new Set(wanted.map((w) => known.get(keyOf(w))).filter((c): c is string => Boolean(c)))];
  if (found.length > 1) return merge(store, found, ids, now);
  // A new conversation is keyed in its route (src/core/routes.ts): `store` is the route's view.
  const chatId = found[0] ?? scopedChatId(route, wanted.find((w) => w.kind === 'phone')?.value ?? wanted[0]!.value);
  // Every identifier already leads to this conversation (a returning person, the usual case):
  // nothing to claim, so no concurrent claim to lose and nothing to read back.
  if (found.length === 1 && known.size === wanted.length) {
    const username = ids.username?.trim();
    if (username) await store.setUsername(chatId, username, now);
    return { chatId, merged: [] };
  }
  await joinConversation(store, chatId, ids, now);
  // Another intake may have claimed one of them meanwhile: the first identifier decides.
  const after = await findAll(store, wanted);
  return { chatId: wanted.map((w) => after.get(keyOf(w))).find(Boolean) ?? chatId, merged: [] };
}

/**
 * One message names identifiers of two conversations (a person known by LID and by number, or by
 * BSUID and by number, before anything linked them): they are one person. The oldest conversation
 * (the card with the longest history) keeps going; every identifier of the others leads to it from
 * now on. Their cards, threads and requests stay as they are, and the relay says so in both threads.
 */
async function merge(store: IdentityStore, chats: string[], ids: PersonIds, now: number): Promise<Resolved> {
  const seen = await store.firstSeen(chats);
  const age = (c: string) => seen.get(c) ?? Number.MAX_SAFE_INTEGER;
  const [chatId, ...merged] = [...chats].sort((a, b) => age(a) - age(b) || chats.indexOf(a) - chats.indexOf(b));
  await store.reassign(merged, chatId!);
  await joinConversation(store, chatId!, ids, now);
  return { chatId: chatId!, merged };
}

/** The conversation one of these identifiers belongs to (the first known wins), without recording anything. */
export async function findConversation(store: IdentityStore, values: Array<string | undefined>): Promise<string | undefined> {
  const present = [...new Set(values.filter((v): v is string => Boolean(v)))];
  if (present.length === 0) return undefined;
  const known = await store.lookup(present.flatMap((value) => FINDING_KINDS.map((kind) => ({ kind, value }))));
  return present.map((v) => known.find((k) => k.value === v)?.chatId).find(Boolean);
}

/** Identifiers join a conversation; one already another conversation's stays there. A username moves to its current holder. */
export async function joinConversation(store: IdentityStore, chatId: string, ids: PersonIds, now: number): Promise<void> {
  const wanted = pairs(ids);
  if (wanted.length > 0) await store.claim(chatId, wanted, now);
  const username = ids.username?.trim();
  if (username) await store.setUsername(chatId, username, now);
}
