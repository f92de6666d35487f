import { proto, type SignalDataTypeMap } from 'baileys';
import { expect, it } from 'vitest';
import { useStoreAuthState } from '../../../src/whatsapp/web/auth-state.js';
import type { ContractContext } from './context.js';

/** The WhatsApp Web session (Store.auth), raw and through Baileys' auth state. */
export function authCases(ctx: ContractContext): void {
  it('writes, overwrites and deletes values in one call, and deletes a whole session by prefix', async () => {
    const { auth } = ctx.store;
    await auth.set(new Map([['a:creds', '1'], ['a:pre-key:1', 'k1'], ['ab:creds', 'other'], ['b:creds', '2']]));
    await auth.set(new Map([['a:creds', '1b'], ['a:pre-key:1', null], ['a:pre-key:2', 'k2']]));
    expect(await auth.get(['a:creds', 'a:pre-key:1', 'a:pre-key:2', 'missing'])).toEqual(new Map([['a:creds', '1b'], ['a:pre-key:2', 'k2']]));
    await auth.deletePrefix('a:');
    // Exact and case-sensitive: neither `ab:` nor `A:` is the session `a`.
    await auth.set(new Map([['A:creds', 'upper']]));
    await auth.deletePrefix('a:');
    expect(await auth.get(['a:creds', 'a:pre-key:2', 'ab:creds', 'b:creds', 'A:creds'])).toEqual(new Map([['ab:creds', 'other'], ['b:creds', '2'], ['A:creds', 'upper']]));
    await auth.set(new Map());
  });

  it('starts a fresh session, and the credentials survive reopening the store', async () => {
    const auth = await useStoreAuthState(ctx.store.auth);
    expect(auth.state.creds.registered).toBe(false);
    const noiseKey = Buffer.from(auth.state.creds.noiseKey.private);
    // Baileys merges creds.update into the object, then asks for a save.
    Object.assign(auth.state.creds, { registered: true, me: { id: '16505550000:3@s.whatsapp.net', name: 'Acme' }, nextPreKeyId: 31 });
    await auth.saveCreds();

    const again = await useStoreAuthState((await ctx.another()).auth);
    expect(again.state.creds.registered).toBe(true);
    expect(again.state.creds.me).toEqual({ id: '16505550000:3@s.whatsapp.net', name: 'Acme' });
    expect(again.state.creds.nextPreKeyId).toBe(31);
    expect(Buffer.isBuffer(again.state.creds.noiseKey.private)).toBe(true);
    expect(Buffer.from(again.state.creds.noiseKey.private).equals(noiseKey)).toBe(true);
  });

  it('gets, sets and deletes keys; pre-keys by id list, hundreds at once', async () => {
    const { state } = await useStoreAuthState(ctx.store.auth);
    const key = (n: number): SignalDataTypeMap['pre-key'] => ({ public: Buffer.alloc(32, n), private: Buffer.alloc(32, n + 100) });
    const preKeys = Object.fromEntries(Array.from({ length: 700 }, (_, i) => [String(i + 1), key(i + 1)]));
    await state.keys.set({ 'pre-key': preKeys, session: { '16505551234.0': Buffer.from('session-bytes') } });

    const got = await state.keys.get('pre-key', ['1', '2', '700', '999']);
    expect(Object.keys(got).sort()).toEqual(['1', '2', '700']);
    expect(Buffer.from(got['700']!.private).equals(Buffer.alloc(32, 800))).toBe(true);
    expect(Object.keys(await state.keys.get('pre-key', Array.from({ length: 700 }, (_, i) => String(i + 1))))).toHaveLength(700);
    const sessions = await state.keys.get('session', ['16505551234.0']);
    expect(Buffer.from(sessions['16505551234.0']!).toString()).toBe('session-bytes');

    await state.keys.set({ 'pre-key': { '1': null, '2': null, '701': key(701) } });
    expect(Object.keys(await state.keys.get('pre-key', ['1', '2', '3', '701'])).sort()).toEqual(['3', '701']);
  });

  it('gives app-state sync keys back as protobuf objects', async () => {
    const { state } = await useStoreAuthState(ctx.store.auth);
    const keyData = proto.Message.AppStateSyncKeyData.fromObject({ keyData: Buffer.from('k'), timestamp: 1767366759 });
    await state.keys.set({ 'app-state-sync-key': { AAAAAQ: keyData } });
    const got = (await state.keys.get('app-state-sync-key', ['AAAAAQ'])).AAAAAQ!;
    expect(got).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(got.keyData!).toString()).toBe('k');
  });

  it('keeps sessions apart, and clear() forgets only its own', async () => {
    const a = await useStoreAuthState(ctx.store.auth, 'a');
    const b = await useStoreAuthState(ctx.store.auth, 'b');
    a.state.creds.registered = true;
    b.state.creds.registered = true;
    await a.saveCreds();
    await b.saveCreds();
    await a.state.keys.set({ 'sender-key': { g1: Buffer.from('a') } });
    await b.state.keys.set({ 'sender-key': { g1: Buffer.from('b') } });

    await a.clear();
    expect(a.state.creds.registered).toBe(false);
    expect(await a.state.keys.get('sender-key', ['g1'])).toEqual({});
    expect((await useStoreAuthState(ctx.store.auth, 'a')).state.creds.registered).toBe(false);
    expect((await useStoreAuthState(ctx.store.auth, 'b')).state.creds.registered).toBe(true);
    expect(Buffer.from((await b.state.keys.get('sender-key', ['g1'])).g1!).toString()).toBe('b');
  });

  it('writes creds in the order they were saved', async () => {
    const auth = await useStoreAuthState(ctx.store.auth);
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 20; i++) {
      auth.state.creds.nextPreKeyId = i;
      saves.push(auth.saveCreds());
    }
    await Promise.all(saves);
    expect((await useStoreAuthState(ctx.store.auth)).state.creds.nextPreKeyId).toBe(20);
  });

  it('rejects a session name that could reach other sessions', async () => {
    await expect(useStoreAuthState(ctx.store.auth, 'a:b')).rejects.toThrow(/session name/);
  });
}
