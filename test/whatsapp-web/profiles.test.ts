import type { WAMessage } from 'baileys';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboundEnvelope } from '../../src/core/relay/inbound.js';
import { createLogger } from '../../src/logger.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import type { ProfileOptions } from '../../src/whatsapp/web/profiles.js';
import { createWebConnection, type WebConnection } from '../../src/whatsapp/web/socket.js';
import { sqliteFixture } from '../support/stores.js';
import { boom, fakeSocket, fixtureMessage, settle, waError, type Events, type FakeSocket } from './support.js';

const ME = '16505550000:4@s.whatsapp.net';
const GROUP = '120363041234567890@g.us';
const ANA = '16505551234@s.whatsapp.net';
/** The group-text fixture's sender: a LID, with the number Baileys passed along. */
const DIEGO = '16505552222@s.whatsapp.net';
const DIEGO_LID = '98765432109876@lid';
const HOUR = 60 * 60_000;

describe('WhatsApp Web group names and profile photos', () => {
  let created: Awaited<ReturnType<typeof sqliteFixture.create>>;
  let store: SqlStore;
  let sock: FakeSocket;
  let connection: WebConnection;
  let envelopes: InboundEnvelope[];
  let clock: number;
  let count: number;

  async function connect(profiles: ProfileOptions = {}) {
    connection = createWebConnection({
      storage: store.auth,
      logger: createLogger('silent'),
      socketFactory: () => (sock = fakeSocket(ME)),
      backoff: () => 1,
      onMessages: (batch) => {
        envelopes.push(...batch);
      },
      profiles: { now: () => clock, ...profiles },
    });
    await connection.start();
    await sock.emit({ 'connection.update': { connection: 'open' } });
    await settle();
  }

  /** A fresh copy of a fixture, under a new id. */
  function message(fixture: string): WAMessage {
    const m = fixtureMessage(fixture);
    return { ...m, key: { ...m.key, id: `${m.key.id}-${++count}` } };
  }

  /** Emits the events (with one message from the fixture) and returns that message's envelope. */
  async function receive(fixture: string, events: Events = {}): Promise<InboundEnvelope> {
    const before = envelopes.length;
    await sock.emit({ ...events, 'messages.upsert': { type: 'notify', messages: [message(fixture)] } });
    await settle();
    expect(envelopes).toHaveLength(before + 1);
    return envelopes[before]!;
  }

  beforeEach(async () => {
    created = await sqliteFixture.create();
    store = await created.open();
    await store.migrate();
    envelopes = [];
    clock = Date.parse('2026-01-02T10:00:00Z');
    count = 0;
  });
  afterEach(async () => {
    await connection.stop();
    await store.close();
    await created.drop();
  });

  describe('group names', () => {
    it("names a group's card after the group, keeping the member's name on the message, and asks once", async () => {
      await connect();
      sock.subjects.set(GROUP, '  Acme — Deliveries ');
      const first = await receive('group-text');
      expect(first.contact.name).toBe('Acme — Deliveries');
      expect(first.message.sender).toMatchObject({ waId: '16505552222', name: 'Diego Ramos' });
      expect((await receive('group-text')).contact.name).toBe('Acme — Deliveries');
      expect(sock.lookups.groupMetadata).toEqual([GROUP]);
    });

    it('takes a new subject from groups.update, even in the batch that brings the message', async () => {
      await connect();
      sock.subjects.set(GROUP, 'Deliveries');
      await receive('group-text');
      sock.subjects.set(GROUP, 'stale answer');
      const renamed = await receive('group-text', { 'groups.update': [{ id: GROUP, subject: 'Deliveries (EU)' }] });
      expect(renamed.contact.name).toBe('Deliveries (EU)');
      // Other changes (settings, description) keep the name.
      await sock.emit({ 'groups.update': [{ id: GROUP, announce: true }, { id: GROUP, desc: 'Orders and returns' }] });
      expect((await receive('group-text')).contact.name).toBe('Deliveries (EU)');
      expect(sock.lookups.groupMetadata).toEqual([GROUP]);
    });

    it('takes the subject of a group we were added to from groups.upsert', async () => {
      await connect();
      await sock.emit({ 'groups.upsert': [{ id: GROUP, subject: 'New group', owner: undefined, participants: [] }] });
      expect((await receive('group-text')).contact.name).toBe('New group');
      expect(sock.lookups.groupMetadata).toEqual([]);
    });

    it('leaves the name out when the lookup fails, and asks again a minute later', async () => {
      await connect();
      sock.groupMetadata = (jid) => (sock.lookups.groupMetadata.push(jid), Promise.reject(boom(408)));
      expect((await receive('group-text')).contact.name).toBeUndefined();
      expect((await receive('group-text')).contact.name).toBeUndefined();
      expect(sock.lookups.groupMetadata).toHaveLength(1);
      clock += 61_000;
      sock.groupMetadata = async (jid) => (sock.lookups.groupMetadata.push(jid), { id: jid, subject: 'Deliveries' });
      expect((await receive('group-text')).contact.name).toBe('Deliveries');
      expect(sock.lookups.groupMetadata).toHaveLength(2);
    });

    it('asks again once the cached subject is old', async () => {
      await connect({ ttlMs: 6 * HOUR });
      sock.subjects.set(GROUP, 'Deliveries');
      await receive('group-text');
      clock += 6 * HOUR - 1;
      await receive('group-text');
      expect(sock.lookups.groupMetadata).toHaveLength(1);
      clock += 1;
      sock.subjects.set(GROUP, 'Deliveries (EU)');
      expect((await receive('group-text')).contact.name).toBe('Deliveries (EU)');
      expect(sock.lookups.groupMetadata).toHaveLength(2);
    });
  });

  describe('profile photos', () => {
    it("puts the contact's full-size picture on the contact, and asks once", async () => {
      await connect();
      sock.photos.set(ANA, 'https://pps.whatsapp.net/v/ana-1.jpg');
      const spy = vi.spyOn(sock, 'profilePictureUrl');
      expect((await receive('text-conversation')).contact.photoUrl).toBe('https://pps.whatsapp.net/v/ana-1.jpg');
      expect((await receive('text-conversation')).contact.photoUrl).toBe('https://pps.whatsapp.net/v/ana-1.jpg');
      expect(spy.mock.calls).toEqual([[ANA, 'image']]);
    });

    it('asks again after contacts.update reports a new picture, not after a name change', async () => {
      await connect();
      sock.photos.set(ANA, 'https://pps.whatsapp.net/v/ana-1.jpg');
      await receive('text-conversation');
      sock.photos.set(ANA, 'https://pps.whatsapp.net/v/ana-2.jpg');
      await sock.emit({ 'contacts.update': [{ id: ANA, notify: 'Ana S.' }] });
      expect((await receive('text-conversation')).contact.photoUrl).toBe('https://pps.whatsapp.net/v/ana-1.jpg');
      await sock.emit({ 'contacts.update': [{ id: ANA, imgUrl: 'changed' }] });
      expect((await receive('text-conversation')).contact.photoUrl).toBe('https://pps.whatsapp.net/v/ana-2.jpg');
      expect(sock.lookups.profilePictureUrl).toEqual([ANA, ANA]);
    });

    it('does not ask again on every message when there is no picture to see (404, 401)', async () => {
      await connect();
      const first = await receive('text-conversation');
      expect(first.contact).not.toHaveProperty('photoUrl');
      await receive('text-conversation');
      expect(sock.lookups.profilePictureUrl).toEqual([ANA]);

      sock.profilePictureUrl = (jid) => (sock.lookups.profilePictureUrl.push(jid), Promise.reject(waError(401, 'not-authorized')));
      sock.subjects.set(GROUP, 'Deliveries');
      await receive('group-text');
      await receive('group-text');
      expect(sock.lookups.profilePictureUrl).toEqual([ANA, GROUP, DIEGO]);
      // Until the hidden picture may have changed.
      clock += 7 * HOUR;
      await receive('group-text');
      expect(sock.lookups.profilePictureUrl).toEqual([ANA, GROUP, DIEGO, GROUP, DIEGO]);
    });

    it('asks again a minute after a failure that is not a refusal', async () => {
      await connect();
      sock.profilePictureUrl = (jid) => (sock.lookups.profilePictureUrl.push(jid), Promise.reject(boom(428)));
      expect((await receive('text-conversation')).contact.photoUrl).toBeUndefined();
      await receive('text-conversation');
      expect(sock.lookups.profilePictureUrl).toHaveLength(1);
      clock += 61_000;
      sock.profilePictureUrl = async (jid) => (sock.lookups.profilePictureUrl.push(jid), 'https://pps.whatsapp.net/v/ana-1.jpg');
      expect((await receive('text-conversation')).contact.photoUrl).toBe('https://pps.whatsapp.net/v/ana-1.jpg');
    });

    it("shows a group's picture on its card and each member's on their messages", async () => {
      await connect();
      sock.subjects.set(GROUP, 'Deliveries');
      sock.photos.set(GROUP, 'https://pps.whatsapp.net/v/group-1.jpg');
      sock.photos.set(DIEGO, 'https://pps.whatsapp.net/v/diego-1.jpg');
      const got = await receive('group-text');
      expect(got.contact).toMatchObject({ name: 'Deliveries', photoUrl: 'https://pps.whatsapp.net/v/group-1.jpg' });
      expect(got.message.sender).toEqual({ waId: '16505552222', name: 'Diego Ramos', photoUrl: 'https://pps.whatsapp.net/v/diego-1.jpg' });

      // Picture notifications name a member by LID and the group by its jid; groups.update refreshes the group's too.
      sock.photos.set(GROUP, 'https://pps.whatsapp.net/v/group-2.jpg');
      sock.photos.set(DIEGO, 'https://pps.whatsapp.net/v/diego-2.jpg');
      await sock.emit({ 'contacts.update': [{ id: DIEGO_LID, imgUrl: 'changed' }] });
      const after = await receive('group-text');
      expect(after.message.sender.photoUrl).toBe('https://pps.whatsapp.net/v/diego-2.jpg');
      expect(after.contact.photoUrl).toBe('https://pps.whatsapp.net/v/group-1.jpg');
      await sock.emit({ 'groups.update': [{ id: GROUP, restrict: true }] });
      expect((await receive('group-text')).contact.photoUrl).toBe('https://pps.whatsapp.net/v/group-2.jpg');
      expect(sock.lookups.profilePictureUrl).toEqual([GROUP, DIEGO, DIEGO, GROUP]);
    });

    it('looks up no photo for our own messages in a group, which still get its name', async () => {
      await connect();
      sock.subjects.set(GROUP, 'Deliveries');
      const m = message('group-text');
      await sock.emit({ 'messages.upsert': { type: 'notify', messages: [{ ...m, key: { ...m.key, fromMe: true } }] } });
      await settle();
      expect(envelopes[0]!.message).toMatchObject({ fromPhone: true, sender: { waId: '16505550000' } });
      expect(envelopes[0]!.message.sender).not.toHaveProperty('photoUrl');
      expect(envelopes[0]!.contact.name).toBe('Deliveries');
      expect(sock.lookups.profilePictureUrl).toEqual([GROUP]);
    });

    it('asks for one picture once however many messages of a batch need it', async () => {
      await connect();
      sock.photos.set(ANA, 'https://pps.whatsapp.net/v/ana-1.jpg');
      await sock.emit({ 'messages.upsert': { type: 'append', messages: [message('text-conversation'), message('text-reply'), message('text-conversation')] } });
      await settle();
      expect(envelopes.map((e) => e.contact.photoUrl)).toEqual(Array(3).fill('https://pps.whatsapp.net/v/ana-1.jpg'));
      expect(sock.lookups.profilePictureUrl).toEqual([ANA]);
    });
  });

  describe('a slow socket', () => {
    it('does not hold messages up beyond the bound, and the late answers serve the next messages', async () => {
      await connect({ lookupTimeoutMs: 100 });
      const answers: (() => void)[] = [];
      const later = <T>(value: T) => new Promise<T>((resolve) => answers.push(() => resolve(value)));
      sock.profilePictureUrl = (jid) => (sock.lookups.profilePictureUrl.push(jid), later(`https://pps.whatsapp.net/v/${jid}.jpg`));
      sock.groupMetadata = (jid) => (sock.lookups.groupMetadata.push(jid), later({ id: jid, subject: 'Deliveries' }));

      const started = Date.now();
      await sock.emit({ 'messages.upsert': { type: 'notify', messages: [message('group-text')] } });
      await vi.waitFor(() => expect(envelopes).toHaveLength(1), { timeout: 2_000, interval: 5 });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(envelopes[0]!.contact).not.toHaveProperty('name');
      expect(envelopes[0]!.contact).not.toHaveProperty('photoUrl');
      expect(envelopes[0]!.message.sender).not.toHaveProperty('photoUrl');

      for (const answer of answers) answer();
      await settle();
      // Answers after the bound do not touch messages already on their way.
      expect(envelopes[0]!.contact).not.toHaveProperty('name');
      const next = await receive('group-text');
      expect(next.contact).toMatchObject({ name: 'Deliveries', photoUrl: `https://pps.whatsapp.net/v/${GROUP}.jpg` });
      expect(next.message.sender.photoUrl).toBe(`https://pps.whatsapp.net/v/${DIEGO}.jpg`);
      expect(sock.lookups).toEqual({ groupMetadata: [GROUP], profilePictureUrl: [GROUP, DIEGO] });
    });

    it('does not keep an answer given before the picture changed', async () => {
      await connect({ lookupTimeoutMs: 50 });
      let answer: (() => void) | undefined;
      sock.profilePictureUrl = (jid) => {
        sock.lookups.profilePictureUrl.push(jid);
        return new Promise((resolve) => (answer = () => resolve('https://pps.whatsapp.net/v/ana-1.jpg')));
      };
      await sock.emit({ 'messages.upsert': { type: 'notify', messages: [message('text-conversation')] } });
      await vi.waitFor(() => expect(envelopes).toHaveLength(1), { timeout: 2_000, interval: 5 });
      expect(envelopes[0]!.contact.photoUrl).toBeUndefined();
      await sock.emit({ 'contacts.update': [{ id: ANA, imgUrl: 'changed' }] });
      answer!();
      await settle();
      sock.profilePictureUrl = async (jid) => (sock.lookups.profilePictureUrl.push(jid), 'https://pps.whatsapp.net/v/ana-2.jpg');
      expect((await receive('text-conversation')).contact.photoUrl).toBe('https://pps.whatsapp.net/v/ana-2.jpg');
      expect(sock.lookups.profilePictureUrl).toEqual([ANA, ANA]);
    });

    it('does not wait at all when everything is cached', async () => {
      await connect({ lookupTimeoutMs: 60_000 });
      sock.photos.set(ANA, 'https://pps.whatsapp.net/v/ana-1.jpg');
      await receive('text-conversation');
      sock.profilePictureUrl = () => new Promise(() => undefined);
      expect((await receive('text-conversation')).contact.photoUrl).toBe('https://pps.whatsapp.net/v/ana-1.jpg');
    });
  });
});
