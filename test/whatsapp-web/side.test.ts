import { readFile, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { downloadMediaMessage, encryptedStream, proto, type WAMessage } from 'baileys';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BridgeError, MediaTooLargeError, OUTCOME_UNKNOWN } from '../../src/core/errors.js';
import type { MediaContent } from '../../src/core/model.js';
import type { Intake } from '../../src/intake.js';
import { createLogger } from '../../src/logger.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { mapInbound } from '../../src/whatsapp/web/map-inbound.js';
import type { MediaDownloader } from '../../src/whatsapp/web/media.js';
import { createWebSide, webConnectedGauge, webReadiness, type WebSide } from '../../src/whatsapp/web/side.js';
import { sqliteFixture } from '../support/stores.js';
import { boom, fakeSocket, fixtureMessage, settle, waError, type FakeSocket } from './support.js';

const ME = '16505550000:4@s.whatsapp.net';
const silent = createLogger('silent');

describe('WhatsApp Web side', () => {
  let created: Awaited<ReturnType<typeof sqliteFixture.create>>;
  let store: SqlStore;
  let sock: FakeSocket;
  let side: WebSide;
  let recorded: Parameters<Intake['recordWhatsApp']>[0][];
  let download: ReturnType<typeof vi.fn<MediaDownloader>>;

  const intake: Intake = {
    async recordWhatsApp(batch) {
      recorded.push(batch);
      return { queued: batch.messages.length + batch.statuses.length, duplicates: 0 };
    },
    recordSlack: () => Promise.reject(new Error('not used')),
  };

  async function startOpen() {
    side.init({ server: {} as FastifyInstance, intake });
    await side.start();
    await sock.emit({ 'connection.update': { connection: 'open' } });
    await settle();
  }

  beforeEach(async () => {
    created = await sqliteFixture.create();
    store = await created.open();
    await store.migrate();
    recorded = [];
    download = vi.fn<MediaDownloader>();
    side = createWebSide({
      config: { MEDIA_MAX_BYTES: 1_000 },
      logger: silent,
      storage: store.auth,
      download,
      connection: {
        socketFactory: () => (sock = fakeSocket(ME)),
        backoff: () => 1,
      },
    });
  });
  afterEach(async () => {
    await side.stop();
    await store.close();
    await created.drop();
  });

  describe('init and start', () => {
    it('starts the connection only once initialised', async () => {
      await expect(side.start()).rejects.toThrow(/initialise/);
      expect(side.connection.state()).toBe('closed');
    });

    it('records what arrives through the intake', async () => {
      await startOpen();
      await sock.emit({
        'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation')] },
        'messages.update': [{ key: { remoteJid: '16505551234@s.whatsapp.net', fromMe: true, id: 'OUT1' }, update: { status: 3, messageTimestamp: 1767366801 } }],
      });
      await settle();
      expect(recorded).toHaveLength(1);
      expect(recorded[0]!.messages.map((m) => m.message.id)).toEqual(['3EB0C9A1F2D34E5B6A7C']);
      expect(recorded[0]!.statuses).toEqual([{ messageId: 'OUT1', status: 'delivered', timestamp: 1767366801000, recipient: '16505551234' }]);
    });

    it('is ready and counted as connected only while open', async () => {
      const registry = new Registry();
      webConnectedGauge(registry, side.connection);
      const readiness = webReadiness(side.connection);
      expect(await readiness.check()).toEqual({ ok: false, detail: 'closed' });
      expect(await registry.metrics()).toMatch(/switchboard_whatsapp_web_connected 0/);
      await startOpen();
      expect(await readiness.check()).toEqual({ ok: true });
      expect(await registry.metrics()).toMatch(/switchboard_whatsapp_web_connected 1/);
    });
  });

  describe('sender', () => {
    it('sends text to a number or a group and returns the message id', async () => {
      await startOpen();
      expect(side.sender.capabilities).toMatchObject({ serviceWindow: false, edits: true, deletions: true, groups: true, templates: false });
      await expect(side.sender.sendText('16505551234', 'Hello')).resolves.toEqual({ id: 'SENT1' });
      await side.sender.sendText('120363041234567890@g.us', 'Hello all');
      expect(sock.sent).toEqual([
        { jid: '16505551234@s.whatsapp.net', content: { text: 'Hello' } },
        { jid: '120363041234567890@g.us', content: { text: 'Hello all' } },
      ]);
    });

    it('fails retryably while not connected', async () => {
      const err = await side.sender.sendText('16505551234', 'Hello').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BridgeError);
      expect(err).toMatchObject({ code: 'wa_web_not_connected', retryable: true });
    });

    it('turns socket errors into BridgeErrors: nothing written is retried, a message that may have left is in doubt, a refusal is final', async () => {
      await startOpen();
      const ref = 'send:Ev1:text:0';
      sock.failNextSend = 'before-write';
      await expect(side.sender.sendText('16505551234', 'x', { ref })).rejects.toMatchObject({ code: 'wa_web_not_connected', retryable: true });
      expect(sock.sent).toHaveLength(0);
      sock.failNextSend = 'after-write';
      const err = await side.sender.sendText('16505551234', 'x', { ref }).catch((e: unknown) => e);
      expect(sock.sent).toHaveLength(1);
      // The id it went out under: a status for it later settles the doubt.
      expect(err).toMatchObject({ code: OUTCOME_UNKNOWN, retryable: false, messageId: sock.sent[0]!.messageId });
      sock.sendMessage = () => Promise.reject(new Error('write EPIPE'));
      await expect(side.sender.sendText('16505551234', 'x')).rejects.toMatchObject({ code: OUTCOME_UNKNOWN, retryable: false });
      for (const status of [440, 503, 515]) {
        sock.sendMessage = () => Promise.reject(boom(status));
        await expect(side.sender.sendText('16505551234', 'x')).rejects.toMatchObject({ code: OUTCOME_UNKNOWN, retryable: false });
      }
      // Sent twice, a reaction, an edit or a deletion changes nothing: retried.
      sock.sendMessage = () => Promise.reject(boom(408));
      await expect(side.sender.sendReaction('16505551234', 'IN1', '👍')).rejects.toMatchObject({ code: 'wa_web_not_connected', retryable: true });
      await expect(side.sender.editText!('16505551234', 'OUT1', 'y')).rejects.toMatchObject({ code: 'wa_web_not_connected', retryable: true });
      sock.sendMessage = () => Promise.reject(boom(406));
      await expect(side.sender.sendText('16505551234', 'x')).rejects.toMatchObject({ code: 'wa_web_send_failed', retryable: false });
      sock.sendMessage = () => Promise.reject(waError(500, 'internal-server-error'));
      await expect(side.sender.sendText('16505551234', 'x')).rejects.toMatchObject({ code: 'wa_web_send_failed', retryable: true });
    });

    it('sends a message with a reference under an id derived from it, the same on every attempt', async () => {
      await startOpen();
      await side.sender.sendText('16505551234', 'a', { ref: 'send:Ev1:text:0' });
      await side.sender.sendText('16505551234', 'a', { ref: 'send:Ev1:text:0' });
      await side.sender.sendText('16505551234', 'b', { ref: 'send:Ev1:text:1' });
      await side.sender.sendMedia('16505551234', { kind: 'document', mimeType: 'application/pdf', fileName: 'i.pdf', data: Buffer.from('pdf') }, { ref: 'send:Ev1:file:F1' });
      await side.sender.sendText('16505551234', 'no reference');
      const ids = sock.sent.map((s) => s.messageId);
      // The shape of Baileys' own ids (generateMessageIDV2).
      for (const id of ids.slice(0, 4)) expect(id).toMatch(/^3EB0[0-9A-F]{18}$/);
      expect(ids[1]).toBe(ids[0]);
      expect(new Set(ids.slice(1, 4)).size).toBe(3);
      // Without one, Baileys picks the id.
      expect(ids[4]).toBeUndefined();
    });

    it('sends media as Buffers: Ogg audio as a voice note, documents with their name', async () => {
      await startOpen();
      const stream = Readable.from([Buffer.from('ab'), Buffer.from('cd')]);
      await side.sender.sendMedia('16505551234', { kind: 'image', mimeType: 'image/png', fileName: 'a.png', data: stream, caption: 'look' });
      await side.sender.sendMedia('16505551234', { kind: 'audio', mimeType: 'audio/ogg', fileName: 'clip.ogg', data: Buffer.from('ogg') });
      await side.sender.sendMedia('16505551234', { kind: 'audio', mimeType: 'audio/mpeg', fileName: 'song.mp3', data: Buffer.from('mp3') });
      await side.sender.sendMedia('16505551234', { kind: 'document', mimeType: 'application/pdf', fileName: 'i.pdf', data: Buffer.from('pdf') });
      await side.sender.sendMedia('16505551234', { kind: 'sticker', mimeType: 'image/webp', fileName: 's.webp', data: Buffer.from('webp') });
      expect(sock.sent.map((s) => s.content)).toEqual([
        { image: Buffer.from('abcd'), mimetype: 'image/png', caption: 'look' },
        { audio: Buffer.from('ogg'), mimetype: 'audio/ogg; codecs=opus', ptt: true },
        { audio: Buffer.from('mp3'), mimetype: 'audio/mpeg' },
        { document: Buffer.from('pdf'), mimetype: 'application/pdf', fileName: 'i.pdf', caption: undefined },
        { sticker: Buffer.from('webp'), mimetype: 'image/webp' },
      ]);
    });

    it('refuses media over the limit', async () => {
      await startOpen();
      const big = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
      await expect(side.sender.sendMedia('16505551234', { kind: 'document', mimeType: 'x/y', fileName: 'f', data: big })).rejects.toBeInstanceOf(
        MediaTooLargeError,
      );
      expect(sock.sent).toEqual([]);
    });

    it('reacts with the original key of a recent message (a group needs its author)', async () => {
      await startOpen();
      await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('group-text')] } });
      await settle();
      await side.sender.sendReaction('120363041234567890@g.us', '3EB0GROUP00000000001', '👍');
      await side.sender.sendReaction('16505551234', 'OLDMESSAGE', '');
      expect(sock.sent.map((s) => s.content)).toEqual([
        { react: { text: '👍', key: { remoteJid: '120363041234567890@g.us', id: '3EB0GROUP00000000001', fromMe: false, participant: '98765432109876@lid' } } },
        { react: { text: '', key: { remoteJid: '16505551234@s.whatsapp.net', id: 'OLDMESSAGE', fromMe: false } } },
      ]);
    });

    it('marks recent messages read, edits and deletes our own, and has no templates', async () => {
      await startOpen();
      await sock.emit({ 'messages.upsert': { type: 'notify', messages: [fixtureMessage('text-conversation')] } });
      await settle();
      await side.sender.markRead('3EB0C9A1F2D34E5B6A7C');
      await side.sender.markRead('UNKNOWN');
      expect(sock.read).toEqual([{ remoteJid: '16505551234@s.whatsapp.net', id: '3EB0C9A1F2D34E5B6A7C', fromMe: false }]);

      await side.sender.editText!('16505551234', 'SENT9', 'fixed typo');
      await side.sender.deleteMessage!('16505551234', 'SENT9');
      const own = { remoteJid: '16505551234@s.whatsapp.net', id: 'SENT9', fromMe: true };
      expect(sock.sent.map((s) => s.content)).toEqual([{ text: 'fixed typo', edit: own }, { delete: own }]);

      await expect(side.sender.sendTemplate('16505551234', 'hello', 'en_US')).rejects.toMatchObject({ code: 'templates_unsupported', retryable: false });
    });
  });

  describe('media', () => {
    const handleOf = (name: string) => {
      const r = mapInbound(fixtureMessage(name), { businessNumber: '16505550000' });
      if (r.kind !== 'message') throw new Error(r.kind);
      return (r.envelope.message.content as MediaContent).mediaId;
    };
    const image = () => handleOf('image');

    it('streams the file from the message in the handle, with the size WhatsApp stated', async () => {
      await startOpen();
      download.mockResolvedValue(Readable.from([Buffer.from('jpeg-bytes')]));
      const got = await side.media.download(handleOf('voice'), 100_000);
      expect(got).toMatchObject({ mimeType: 'audio/ogg; codecs=opus', size: 10460 });
      const chunks: Uint8Array[] = [];
      for await (const c of got.data as AsyncIterable<Uint8Array>) chunks.push(c);
      expect(Buffer.concat(chunks).toString()).toBe('jpeg-bytes');
      const [msg, type, , ctx] = download.mock.calls[0]!;
      expect(type).toBe('stream');
      expect(msg.key.id).toBe('AC59EFFAD3590A7D97ECCB92690E904A');
      expect(Buffer.from(msg.message!.audioMessage!.mediaKey!).toString('base64')).toBe('6IZpJ8r/sZl2C8HU4e3T6hLdJWPnl0V8c+pinz9RLJ4=');
      // Connected: Baileys may ask the phone to re-upload an expired file.
      expect(ctx?.reuploadRequest).toBeTypeOf('function');
    });

    it('refuses a file WhatsApp says is over the limit without downloading it', async () => {
      await expect(side.media.download(image(), 40_000)).rejects.toEqual(new MediaTooLargeError(40_000, 41161));
      expect(download).not.toHaveBeenCalled();
    });

    it('stops a download that runs over the limit', async () => {
      download.mockResolvedValue(Readable.from([Buffer.alloc(30_000), Buffer.alloc(30_000)]));
      const got = await side.media.download(image(), 50_000);
      const read = async () => {
        for await (const _ of got.data as AsyncIterable<Uint8Array>) void _;
      };
      await expect(read()).rejects.toBeInstanceOf(MediaTooLargeError);
    });

    it('reports a file gone from the CDN as not retryable', async () => {
      download.mockRejectedValue(Object.assign(new Error('Failed to fetch stream'), { status: 410 }));
      await expect(side.media.download(image(), 100_000)).rejects.toMatchObject({ code: 'media_expired', retryable: false });
      download.mockRejectedValue(new Error('socket hang up'));
      await expect(side.media.download(image(), 100_000)).rejects.toMatchObject({ code: 'wa_web_media_failed', retryable: true });
    });

    describe('through Baileys, with WhatsApp-encrypted bytes and fetch stubbed', () => {
      let encrypted: Buffer;
      let handle: string;
      beforeEach(async () => {
        const enc = await encryptedStream(Buffer.from('hello image'), 'image');
        encrypted = await readFile(enc.encFilePath);
        await rm(enc.encFilePath, { force: true });
        const msg: WAMessage = {
          key: { remoteJid: '16505551234@s.whatsapp.net', fromMe: false, id: '3EB0E2E0000000000001' },
          messageTimestamp: 1767366982,
          message: proto.Message.fromObject({
            imageMessage: { url: 'https://mmg.whatsapp.net/d/f/old.enc', directPath: '/d/f/old.enc', mediaKey: enc.mediaKey, mimetype: 'image/jpeg', fileLength: enc.fileLength },
          }),
        };
        const r = mapInbound(msg, { businessNumber: '16505550000' });
        if (r.kind !== 'message') throw new Error(r.kind);
        handle = (r.envelope.message.content as MediaContent).mediaId;
        download.mockImplementation((...args) => downloadMediaMessage(...args));
      });
      afterEach(() => vi.unstubAllGlobals());

      const text = async (data: AsyncIterable<Uint8Array> | Uint8Array) => {
        const chunks: Uint8Array[] = [];
        for await (const c of data as AsyncIterable<Uint8Array>) chunks.push(c);
        return Buffer.concat(chunks).toString();
      };

      it('decrypts the file the handle points at', async () => {
        const fetched: string[] = [];
        vi.stubGlobal('fetch', async (url: string) => (fetched.push(url), new Response(encrypted)));
        const got = await side.media.download(handle, 1_000);
        expect(got.size).toBe(11);
        expect(await text(got.data)).toBe('hello image');
        expect(fetched).toEqual(['https://mmg.whatsapp.net/d/f/old.enc']);
      });

      it('asks the phone to upload an expired file again', async () => {
        await startOpen();
        sock.updateMediaMessage = async (m) => {
          m.message!.imageMessage!.directPath = '/d/f/new.enc';
          return m;
        };
        vi.stubGlobal('fetch', async (url: string) => (url.endsWith('/old.enc') ? new Response('gone', { status: 410 }) : new Response(encrypted)));
        expect(await text((await side.media.download(handle, 1_000)).data)).toBe('hello image');
      });
    });

    it('rejects a handle that is not one of ours', async () => {
      await expect(side.media.download('wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzRUIw', 1_000)).rejects.toMatchObject({ code: 'bad_media_handle' });
    });
  });
});
