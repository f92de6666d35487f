import { jidDecode } from 'baileys';
import type { PersonIds } from '../../core/model.js';

/**
 * How WhatsApp Web addresses (jids) become the bridge's ids and back:
 *
 * - a phone number jid (`16505551234@s.whatsapp.net`, the older `@c.us`, with or without a
 *   `:device` suffix) is its digits, the same wa_id the Cloud API uses;
 * - a LID (`…@lid`, WhatsApp's privacy id that hides the number) is kept as the jid, unless
 *   the phone number is known (Baileys passes it as the key's `remoteJidAlt`/`participantAlt`);
 * - a group (`…@g.us`) is its jid.
 */
export function userIdOf(jid: string | null | undefined, alt?: string | null): string | undefined {
  const main = jidDecode(jid ?? undefined);
  if (!main) return undefined;
  if (main.server === 's.whatsapp.net' || main.server === 'c.us' || main.server === 'hosted') return main.user;
  if (main.server === 'lid' || main.server === 'hosted.lid') {
    const pn = jidDecode(alt ?? undefined);
    if (pn && (pn.server === 's.whatsapp.net' || pn.server === 'c.us' || pn.server === 'hosted')) return pn.user;
    return `${main.user}@lid`;
  }
  return undefined;
}

const PHONE_SERVERS = new Set(['s.whatsapp.net', 'c.us', 'hosted']);
const LID_SERVERS = new Set(['lid', 'hosted.lid']);

/**
 * The number and LID of a one-to-one chat, as far as this message tells (the jid and its `…Alt`):
 * both identify the person, so a contact first seen by LID keeps its conversation once the
 * number is known, and the other way round (see src/store/identities.ts).
 */
export function personIdsOf(jid: string | null | undefined, alt?: string | null): PersonIds | undefined {
  const ids: PersonIds = {};
  for (const j of [jid, alt]) {
    const d = jidDecode(j ?? undefined);
    if (d && LID_SERVERS.has(d.server)) ids.lid ??= `${d.user}@lid`;
    else if (d && PHONE_SERVERS.has(d.server)) ids.phone ??= d.user;
  }
  return ids.lid || ids.phone ? ids : undefined;
}

export const isGroupJid = (jid: string | null | undefined): boolean => Boolean(jid?.endsWith('@g.us'));

/** The chat a bridge id points at: digits are a phone number, anything with an @ is a jid already. */
export function jidFor(chatId: string): string {
  if (chatId.includes('@')) return chatId;
  const digits = chatId.replace(/\D/g, '');
  if (!digits) throw new Error('not a WhatsApp chat id');
  return `${digits}@s.whatsapp.net`;
}
