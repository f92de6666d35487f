import { sql, type Kysely } from 'kysely';
import type { AuthStorage } from '../core/store/auth-storage.js';
import type { Database } from './schema.js';
import { tableExists, type Dialect } from './sql-store.js';

// SQLite allows 32,766 bound parameters per statement; PostgreSQL 65,535. Baileys uploads
// hundreds of pre-keys in one set, so rows go in chunks well under both.
const CHUNK = 300;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** The WhatsApp Web session in the `wa_auth` table (migration 4), on SQLite or PostgreSQL. */
export function createSqlAuthStorage(db: Kysely<Database>, dialect: Dialect, now: () => number = Date.now): AuthStorage {
  return {
    async get(ids) {
      const out = new Map<string, string>();
      try {
        for (const part of chunks([...new Set(ids)])) {
          const rows = await db.selectFrom('wa_auth').select(['id', 'value']).where('id', 'in', part).execute();
          for (const r of rows) out.set(r.id, r.value);
        }
      } catch (err) {
        // Before the migration that creates it there is no session to read (the doctor asks early).
        if (!(await tableExists(db, dialect, 'wa_auth').catch(() => true))) return new Map();
        throw err;
      }
      return out;
    },

    async set(entries) {
      const upserts: { id: string; value: string; updated_at: number }[] = [];
      const deletes: string[] = [];
      const t = now();
      for (const [id, value] of entries) {
        if (value === null) deletes.push(id);
        else upserts.push({ id, value, updated_at: t });
      }
      if (upserts.length === 0 && deletes.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const part of chunks(upserts)) {
          await trx
            .insertInto('wa_auth')
            .values(part)
            .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })))
            .execute();
        }
        for (const part of chunks(deletes)) await trx.deleteFrom('wa_auth').where('id', 'in', part).execute();
      });
    },

    async deletePrefix(prefix) {
      // substr, not LIKE: exact and case-sensitive in both dialects, with no wildcards to escape.
      await db
        .deleteFrom('wa_auth')
        .where(sql<string>`substr(id, 1, ${sql.lit(prefix.length)})`, '=', prefix)
        .execute();
    },
  };
}
