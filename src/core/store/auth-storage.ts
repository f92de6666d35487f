/**
 * Where the WhatsApp Web session lives (Baileys credentials and Signal keys): string values under
 * string ids, `<session>:creds` or `<session>:<key type>:<key id>`. Kept this small so any store
 * holds it in a few lines (MongoDB: one document per id).
 */
export interface AuthStorage {
  /**
   * The values of those ids that exist; missing ids are absent from the map. A store not yet
   * migrated holds no session: it answers an empty map rather than failing (the doctor reads it).
   */
  get(ids: readonly string[]): Promise<Map<string, string>>;
  /**
   * Writes every entry; a null value deletes the id. Entries of one call land together where the
   * store has transactions; elsewhere each id's write is atomic and a repeat is harmless.
   */
  set(entries: ReadonlyMap<string, string | null>): Promise<void>;
  /** Deletes every id that starts with `prefix` (a whole session). Exact and case-sensitive. */
  deletePrefix(prefix: string): Promise<void>;
}
