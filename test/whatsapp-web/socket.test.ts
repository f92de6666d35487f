import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StatusUpdate } from '../../src/core/model.js';
import type { InboundEnvelope } from '../../src/core/relay/inbound.js';
import { createLogger } from '../../src/logger.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { useStoreAuthState } from '../../src/whatsapp/web/auth-state.js';
import { createWebConnection, type WebConnection, type WebConnectionOptions, type WebConnectionState } from '../../src/whatsapp/web/socket.js';
import { sqliteFixture } from '../support/stores.js';
import { boom, fakeSocket, fixtureJson, fixtureMessage, settle, type FakeSocket } from './support.js';

const ME = '16505550000:4@s.whatsapp.net';

describe('WhatsApp Web connection', () => {
  let created: Awaited<ReturnType<typeof sqliteFixture.create>>;
  let store: SqlStore;
  let sockets: FakeSocket[];
  let states: WebConnectionState[];
  let qrs: string[];
  let batches: { envelopes: InboundEnvelope[]; statuses: StatusUpdate[] }[];
  let delays: number[];
  let logs: string[];
  let connection: WebConnection;

  const last = () => sockets[sockets.length - 1]!;
  const open = async () => {
    await last().emit({ 'connection.update': { connection: 'open' } });
    await settle();
  };
  const close = async (code: number) => {
    await last().emit({ 'connection.update': { connection: 'close', lastDisconnect: { error: boom(code), date: new Date() } } });
    await settle();
  };

  function connect(overrides: Partial<WebConnectionOptions> = {}) {
    connection = createWebConnection({
      storage: store.auth,
      logger: createLogger('info', new Writable({ write: (chunk, _e, cb) => (logs.push(String(chunk)), cb()) })),
      socketFactory: () => {
        const s = fakeSocket(ME);
        sockets.push(s);
        return s;
      },
      backoff: (attempt) => {
        delays.push(attempt);
        return 1;
      },
      onQr: (qr) => qrs.push(qr),
      onState: (s) => states.push(s),
      onMessages: (envelopes, statuses) => {
        batches.push({ envelopes, statuses });
      },
      ...overrides,
    });
    return connection;
  }

  beforeEach(async () => {
    created = await sqliteFixture.create();
    store = await created.open();
    await store.migrate();
    sockets = [];
    states = [];
    qrs = [];
    batches = [];
    delays = [];
    logs = [];
  });
  afterEach(async () => {
    await connection?.stop();
    await store.close();
    await created.drop();
  });

  it('connects, and reports open', async () => {
    await connect().start();
    expect(sockets).toHaveLength(1);
    expect(connection.state()).toBe('connecting');
    await open();
    expect(connection.state()).toBe('open');
    expect(connection.businessNumber()).toBe('16505550000');
    expect(states).toEqual(['connecting', 'open']);
  });

  it('reconnects with growing back-off after transient closes, and starts over once open', async () => {
    await connect().start();
    await close(428);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    await close(408);
    await vi.waitFor(() => expect(sockets).toHaveLength(3));
    expect(delays).toEqual([1, 2]);
    await open();
    await close(500);
    await vi.waitFor(() => expect(sockets).toHaveLength(4));
    expect(delays).toEqual([1, 2, 1]);
    expect(connection.state()).toBe('connecting');
  });

  it('reconnects at once when WhatsApp asks for a restart after pairing', async () => {
    await connect().start();
    await close(515);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(delays).toEqual([]);
  });

  it('stops, reports logged_out and clears the session when unlinked on the phone', async () => {
    await connect().start();
    await last().emit({ 'connection.update': { qr: 'ref,noise,identity,adv' } });
    // What Baileys emits on pair-success (account is the signed device identity).
    await last().emit({ 'creds.update': { account: { details: Buffer.from('d'), accountSignature: Buffer.from('s') }, me: { id: ME, name: 'Acme' } } });
    await open();
    expect(connection.qr()).toBeUndefined();
    expect(connection.account()).toBe('+16505550000 (Acme)');
    expect((await useStoreAuthState(store.auth)).state.creds.me?.id).toBe(ME);

    await close(401);
    expect(connection.state()).toBe('logged_out');
    expect(connection.account()).toBeUndefined();
    expect((await useStoreAuthState(store.auth)).state.creds.me).toBeUndefined();
    expect(await store.db.selectFrom('wa_auth').selectAll().execute()).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    expect(sockets).toHaveLength(1);
    expect(logs.join('')).toMatch(/unlinked/);
  });

  it('does not fight another client that took over the session', async () => {
    await connect().start();
    await open();
    await close(440);
    await new Promise((r) => setTimeout(r, 20));
    expect(sockets).toHaveLength(1);
    expect(connection.state()).toBe('closed');
  });

  it('passes QR codes on and prints them to the log without personal data', async () => {
    await connect().start();
    await last().emit({ 'connection.update': { qr: '2@AbCdEf,ghIJkl,mnOPqr,stUVwx' } });
    await settle();
    expect(qrs).toEqual(['2@AbCdEf,ghIJkl,mnOPqr,stUVwx']);
    expect(connection.state()).toBe('qr');
    expect(connection.qr()).toBe('2@AbCdEf,ghIJkl,mnOPqr,stUVwx');
    expect(connection.account()).toBeUndefined();
    const line = logs.find((l) => l.includes('QR code'))!;
    expect(line).toBeDefined();
    expect(JSON.parse(line)).toMatchObject({ level: 30, component: 'whatsapp-web' });
    expect(line).not.toContain('16505550000');
  });

  it('maps upserted messages (notify and append) and receipts, and skips what is not for the bridge', async () => {
    await connect().start();
    await open();
    await last().emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation'), fixtureMessage('status-broadcast')] } });
    await last().emit({ 'messages.upsert': { type: 'append', messages: [fixtureMessage('group-text')] } });
    await last().emit({ 'messages.update': fixtureJson('messages-update') });
    await settle();
    expect(batches.map((b) => b.envelopes.map((e) => e.message.id))).toEqual([['3EB0C9A1F2D34E5B6A7C'], ['3EB0GROUP00000000001'], []]);
    expect(batches[0]!.envelopes[0]!.message.businessNumber).toBe('16505550000');
    expect(batches[2]!.statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read', 'read', 'failed']);
    // Keys of recent inbound messages are kept to mark them read or react to them.
    expect(connection.inboundKey('3EB0GROUP00000000001')).toMatchObject({ remoteJid: '120363041234567890@g.us', participant: '98765432109876@lid' });
  });

  it('looks up the number behind a LID when Baileys knows it', async () => {
    await connect().start();
    last().signalRepository = { lidMapping: { getPNForLID: async () => '16505559999:0@s.whatsapp.net' } };
    await open();
    await last().emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('lid-unknown')] } });
    await settle();
    expect(batches[0]!.envelopes[0]!.message.chatId).toBe('16505559999');
  });

  it('retries recording a batch, keeping later batches behind it', async () => {
    let failures = 1;
    const seen: string[] = [];
    await connect({
      onMessages: (envelopes) => {
        if (failures-- > 0) throw new Error('database is down');
        seen.push(...envelopes.map((e) => e.message.id));
      },
    }).start();
    await open();
    await last().emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation')] } });
    await last().emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-reply')] } });
    await vi.waitFor(() => expect(seen).toEqual(['3EB0C9A1F2D34E5B6A7C', '3EB0D4E5F6A7B8C9D0E1']));
  });

  it('asks for a pairing code once the socket is ready to pair', async () => {
    await connect().start();
    const code = connection.requestPairingCode('+1 (650) 555-0000');
    await last().emit({ 'connection.update': { qr: 'ref,noise,identity,adv' } });
    await expect(code).resolves.toBe('ABCD1234');
    expect(last().pairingRequests).toEqual(['16505550000']);
  });

  it('stops without reconnecting, and logs out on request', async () => {
    await connect().start();
    await open();
    await connection.stop();
    expect(last().ended).toBe(true);
    expect(connection.state()).toBe('closed');
    await new Promise((r) => setTimeout(r, 20));
    expect(sockets).toHaveLength(1);

    await connection.start();
    await open();
    await connection.logout();
    await settle();
    expect(connection.state()).toBe('logged_out');
  });
  it('says why it is connecting: the last close, its code and the attempts since the last open connection', async () => {
    const started = Date.now();
    await connect().start();
    expect(connection.detail()).toMatchObject({ state: 'connecting', attempt: 0, paired: false, lastDisconnect: undefined });
    const before = Date.now();
    await close(428);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    await close(408);
    await vi.waitFor(() => expect(sockets).toHaveLength(3));
    const detail = connection.detail();
    expect(detail).toMatchObject({ state: 'connecting', attempt: 2, lastDisconnect: { code: 408, reason: 'status 408' } });
    expect(detail.lastDisconnect!.at).toBeGreaterThanOrEqual(before);
    // Connecting since the start: reconnecting is the same state, not a new one.
    expect(detail.since).toBeGreaterThanOrEqual(started);
    expect(detail.since).toBeLessThanOrEqual(before);
    await open();
    expect(connection.detail()).toMatchObject({ state: 'open', attempt: 0, lastDisconnect: { code: 408 } });
  });

  it('unlinks on request: logs out, forgets the session once and connects afresh for a new QR code', async () => {
    await connect().start();
    await last().emit({ 'connection.update': { qr: 'ref,noise,identity,adv' } });
    await last().emit({ 'creds.update': { account: { details: Buffer.from('d'), accountSignature: Buffer.from('s') }, me: { id: ME, name: 'Acme' } } });
    await open();
    expect(connection.detail().paired).toBe(true);
    states.length = 0;
    await connection.unlink();
    expect(await store.db.selectFrom('wa_auth').selectAll().execute()).toEqual([]);
    // The close the logout caused was not reconnected: the one new socket is the fresh start.
    expect(sockets).toHaveLength(2);
    // One logged_out (one Slack notice), then the fresh connection.
    expect(states.filter((s) => s === 'logged_out')).toHaveLength(1);
    expect(connection.state()).toBe('connecting');
    expect(connection.detail()).toMatchObject({ paired: false });
    await last().emit({ 'connection.update': { qr: 'ref2,noise,identity,adv' } });
    await settle();
    expect(connection.state()).toBe('qr');
    expect(connection.qr()).toBe('ref2,noise,identity,adv');
  });

  it('unlinks while not connected too: the stored session is forgotten and pairing starts over', async () => {
    await connect().start();
    await close(428);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    await connection.unlink();
    expect(await store.db.selectFrom('wa_auth').selectAll().execute()).toEqual([]);
    expect(sockets).toHaveLength(3);
    expect(connection.state()).toBe('connecting');
  });
});
