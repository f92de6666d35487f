import { BufferJSON, initAuthCreds, proto, type AuthenticationCreds, type AuthenticationState, type SignalDataTypeMap } from 'baileys';
import type { AuthStorage } from '../../core/store/auth-storage.js';

export interface StoreAuthState {
  /** Hand to makeWASocket as `auth`. `creds` is replaced by a fresh set after `clear()`. */
  state: AuthenticationState;
  /** Call on every `creds.update` (Baileys has already merged the update into `state.creds`). */
  saveCreds(): Promise<void>;
  /** Forgets the session (credentials and every key), so the next connection pairs anew. */
  clear(): Promise<void>;
}

const SESSION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const serialise = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
const parse = (text: string): unknown => JSON.parse(text, BufferJSON.reviver);

/**
 * Baileys' AuthenticationState over the store's AuthStorage (`Store.auth`, any kind of store). Every update is written as it happens:
 * losing a Signal key update means messages that cannot be decrypted later. Writes go one at a
 * time, in the order Baileys made them, so an older creds snapshot never lands after a newer one.
 */
export async function useStoreAuthState(storage: AuthStorage, session = 'default'): Promise<StoreAuthState> {
  if (!SESSION_NAME.test(session)) throw new Error(`invalid WhatsApp Web session name: ${JSON.stringify(session)}`);
  const credsId = `${session}:creds`;
  const keyId = (type: string, id: string) => `${session}:${type}:${id}`;

  let writes: Promise<unknown> = Promise.resolve();
  const inOrder = (write: () => Promise<void>): Promise<void> => {
    const next = writes.then(write);
    // A failed write is reported to its caller; it must not block the ones after it.
    writes = next.catch(() => undefined);
    return next;
  };

  const stored = (await storage.get([credsId])).get(credsId);
  const state: AuthenticationState = {
    creds: stored === undefined ? initAuthCreds() : (parse(stored) as AuthenticationCreds),
    keys: {
      async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
        // Reads wait for queued writes, so a key just set is never read as missing.
        await writes;
        const rows = await storage.get(ids.map((id) => keyId(type, id)));
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const id of ids) {
          const text = rows.get(keyId(type, id));
          if (text === undefined) continue;
          let value = parse(text);
          // Stored as plain JSON; Baileys expects the protobuf object back for these.
          if (type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
          out[id] = value as SignalDataTypeMap[T];
        }
        return out;
      },
      set(data) {
        const entries = new Map<string, string | null>();
        for (const [type, byId] of Object.entries(data)) {
          for (const [id, value] of Object.entries(byId ?? {})) {
            entries.set(keyId(type, id), value === null || value === undefined ? null : serialise(value));
          }
        }
        return inOrder(() => storage.set(entries));
      },
    },
  };

  return {
    state,
    saveCreds() {
      // Serialised now, not when the write runs: the snapshot is the state at this update.
      const snapshot = serialise(state.creds);
      return inOrder(() => storage.set(new Map([[credsId, snapshot]])));
    },
    async clear() {
      await inOrder(() => storage.deletePrefix(`${session}:`));
      state.creds = initAuthCreds();
    },
  };
}
