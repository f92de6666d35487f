import type { IdentityStore, KnownIdentifier } from '../../core/store/identities.js';

/** The in-memory identities, and a way to undo what one intake unit did if it fails. */
export interface MemoryIdentities {
  store: IdentityStore;
  /** A handle whose writes are undone by `rollback` (intake units run one at a time, see queue.ts). */
  begin(): { store: IdentityStore; rollback(): void };
  /** Every identifier value of a conversation (the console's directory searches them). */
  valuesOf(chatId: string): string[];
}

interface Row {
  chatId: string;
  createdAt: number;
}

/** `firstSeen` reads the contacts' creation times, as the SQL stores read the contacts table. */
export function createMemoryIdentities(contactCreatedAt: (chatId: string) => number | undefined): MemoryIdentities {
  const rows = new Map<string, Row>();
  const key = (kind: string, value: string) => `${kind}\u0000${value}`;
  const parse = (k: string) => {
    const [kind, value] = k.split('\u0000') as [KnownIdentifier['kind'], string];
    return { kind, value };
  };

  const make = (undo?: Array<() => void>): IdentityStore => {
    const set = (k: string, row: Row | undefined) => {
      const before = rows.get(k);
      undo?.push(() => (before ? rows.set(k, before) : rows.delete(k)));
      if (row) rows.set(k, row);
      else rows.delete(k);
    };
    return {
      async lookup(ids) {
        return ids.flatMap((i) => {
          const row = rows.get(key(i.kind, i.value));
          return row ? [{ kind: i.kind, value: i.value, chatId: row.chatId }] : [];
        });
      },
      async claim(chatId, ids, now) {
        for (const i of ids) {
          const k = key(i.kind, i.value);
          if (i.kind !== 'username' && !rows.has(k)) set(k, { chatId, createdAt: now });
        }
      },
      async setUsername(chatId, username, now) {
        for (const [k, row] of [...rows]) {
          const { kind, value } = parse(k);
          if (kind === 'username' && row.chatId === chatId && value !== username) set(k, undefined);
        }
        const k = key('username', username);
        const existing = rows.get(k);
        set(k, existing ? { ...existing, chatId } : { chatId, createdAt: now });
      },
      async reassign(from, to) {
        for (const [k, row] of [...rows]) {
          if (parse(k).kind !== 'username' && from.includes(row.chatId)) set(k, { ...row, chatId: to });
        }
      },
      async firstSeen(chatIds) {
        const out = new Map<string, number>();
        for (const c of chatIds) {
          const t = contactCreatedAt(c);
          if (t !== undefined) out.set(c, t);
        }
        return out;
      },
    };
  };

  return {
    store: make(),
    valuesOf: (chatId) => [...rows].filter(([, row]) => row.chatId === chatId).map(([k]) => parse(k).value),
    begin() {
      const undo: Array<() => void> = [];
      return { store: make(undo), rollback: () => undo.reverse().forEach((u) => u()) };
    },
  };
}
