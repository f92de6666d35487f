import type { PersonIds } from '../../core/model.js';
import { previousUserId, type CloudContact, type CloudMessage } from './payload.js';

/** Drops the identifiers that are not there, so spreading one set over another never erases. */
export function compact(ids: PersonIds): PersonIds {
  return Object.fromEntries(Object.entries(ids).filter(([, v]) => typeof v === 'string' && v !== '')) as PersonIds;
}

export interface Sender {
  /** Provisional conversation key (the number, else the BSUID): intake finds the person's own. */
  chatId: string;
  ids: PersonIds;
  /** Identifiers a change notice says the person has from now on. */
  joins?: PersonIds;
  name?: string;
}

/**
 * The `contacts[]` of one change, found by number or by BSUID: a username user's message has no
 * `from`, and their contact no `wa_id`, only `from_user_id` / `user_id` (Meta, "Business-scoped
 * user IDs"). System notices carry no contacts at all.
 */
export function createDirectory() {
  const byPhone = new Map<string, CloudContact>();
  const byBsuid = new Map<string, CloudContact>();
  const find = (ids: PersonIds) => (ids.phone ? byPhone.get(ids.phone) : undefined) ?? (ids.bsuid ? byBsuid.get(ids.bsuid) : undefined);
  return {
    add(c: CloudContact): void {
      if (c.wa_id) byPhone.set(c.wa_id, c);
      if (c.user_id) byBsuid.set(c.user_id, c);
    },
    nameOf(ids: PersonIds): string | undefined {
      return find(ids)?.profile?.name;
    },
    /** Who sent a well-formed message (payload.ts made sure one identifier is there). */
    senderOf(m: CloudMessage): Sender {
      const own = compact({ phone: m.from, bsuid: m.from_user_id ?? previousUserId(m.system), parentBsuid: m.from_parent_user_id });
      const c = find(own);
      const ids = compact({ ...compact({ phone: c?.wa_id, bsuid: c?.user_id, parentBsuid: c?.parent_user_id, username: c?.profile?.username }), ...own });
      const chatId = (ids.phone ?? ids.bsuid ?? ids.parentBsuid)!;
      const joins = changeOf(m);
      return { chatId, ids, ...(joins ? { joins } : {}), ...(c?.profile?.name ? { name: c.profile.name } : {}) };
    },
  };
}

/** What `user_changed_number` / `user_changed_user_id` say the person has from now on. */
function changeOf(m: CloudMessage): PersonIds | undefined {
  const type = m.system?.type;
  if (m.type !== 'system' || (type !== 'user_changed_number' && type !== 'user_changed_user_id')) return undefined;
  const joins = compact({
    phone: type === 'user_changed_number' ? m.system?.wa_id : undefined,
    bsuid: m.system?.user_id,
    parentBsuid: m.system?.parent_user_id,
  });
  return Object.keys(joins).length > 0 ? joins : undefined;
}
