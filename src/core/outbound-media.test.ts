import { describe, expect, it } from 'vitest';
import { classifyOutboundFile, type OutboundFile } from './outbound-media.js';
import { WHATSAPP_MEDIA_RULES } from '../whatsapp/media-rules.js';

const KB = 1024;
const MB = 1024 * KB;
// The rules both WhatsApp transports declare (src/whatsapp/capabilities.ts).
const withFfmpeg = { ffmpegAvailable: true, rules: WHATSAPP_MEDIA_RULES };
const without = { ffmpegAvailable: false, rules: WHATSAPP_MEDIA_RULES };

function file(mimetype: string, size: number, extra: Partial<OutboundFile> = {}): OutboundFile {
  return { mimetype, size, name: 'file', ...extra };
}

const ok = (kind: string, limitBytes: number, convertToVoice = false) => ({ kind, convertToVoice, limitBytes });
const tooLarge = (kind: string, limitBytes: number) => ({ tooLarge: true, kind, limitBytes });

describe('classifyOutboundFile', () => {
  it('uses the documented limits', () => {
    expect(WHATSAPP_MEDIA_RULES.maxBytes).toEqual({ image: 5 * MB, video: 16 * MB, audio: 16 * MB, document: 100 * MB, sticker: 100 * KB });
  });

  it('sends JPEG and PNG as images up to 5 MB', () => {
    expect(classifyOutboundFile(file('image/jpeg', 5 * MB), without)).toEqual(ok('image', 5 * MB));
    expect(classifyOutboundFile(file('image/png', 1000), without)).toEqual(ok('image', 5 * MB));
    expect(classifyOutboundFile(file('image/png', 5 * MB + 1), without)).toEqual(tooLarge('image', 5 * MB));
  });

  it('reads the mimetype case-insensitively and without parameters', () => {
    expect(classifyOutboundFile(file(' Image/JPEG ; q=1', 10), without)).toEqual(ok('image', 5 * MB));
  });

  it('sends webp as a document: image messages take no webp, and a sticker must be 512×512', () => {
    expect(classifyOutboundFile(file('image/webp', 50 * KB), without)).toEqual(ok('document', 100 * MB));
  });

  it('sends other images (gif, heic, svg) as documents', () => {
    for (const type of ['image/gif', 'image/heic', 'image/svg+xml']) {
      expect(classifyOutboundFile(file(type, 10), without)).toEqual(ok('document', 100 * MB));
    }
  });

  it('sends MP4 and 3GPP as video up to 16 MB', () => {
    expect(classifyOutboundFile(file('video/mp4', 16 * MB), without)).toEqual(ok('video', 16 * MB));
    expect(classifyOutboundFile(file('video/3gpp', 10), without)).toEqual(ok('video', 16 * MB));
    expect(classifyOutboundFile(file('video/3gp', 10), without)).toEqual(ok('video', 16 * MB));
    expect(classifyOutboundFile(file('video/mp4', 16 * MB + 1), without)).toEqual(tooLarge('video', 16 * MB));
  });

  it('sends other video as documents', () => {
    expect(classifyOutboundFile(file('video/quicktime', 20 * MB), without)).toEqual(ok('document', 100 * MB));
    expect(classifyOutboundFile(file('video/webm', 10), without)).toEqual(ok('document', 100 * MB));
  });

  it('sends the audio types WhatsApp accepts as audio up to 16 MB', () => {
    for (const type of ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4']) {
      expect(classifyOutboundFile(file(type, 10), without)).toEqual(ok('audio', 16 * MB));
    }
    expect(classifyOutboundFile(file('audio/mpeg', 16 * MB + 1), without)).toEqual(tooLarge('audio', 16 * MB));
  });

  it('sends Ogg as audio only when it says it holds Opus', () => {
    expect(classifyOutboundFile(file('audio/ogg; codecs=opus', 10), without)).toEqual(ok('audio', 16 * MB));
    expect(classifyOutboundFile(file('audio/ogg', 10, { name: 'note.opus' }), without)).toEqual(ok('audio', 16 * MB));
    expect(classifyOutboundFile(file('audio/ogg', 10, { filetype: 'opus' }), without)).toEqual(ok('audio', 16 * MB));
    expect(classifyOutboundFile(file('audio/ogg', 10, { name: 'song.ogg', filetype: 'ogg' }), without)).toEqual(
      ok('document', 100 * MB),
    );
  });

  it('sends other audio (wav, flac, webm) as documents', () => {
    for (const type of ['audio/wav', 'audio/flac', 'audio/webm']) {
      expect(classifyOutboundFile(file(type, 10), without)).toEqual(ok('document', 100 * MB));
    }
  });

  it('converts a Slack clip to a voice note when ffmpeg is available', () => {
    const webm = file('audio/webm', 300 * KB, { subtype: 'slack_audio', filetype: 'webm' });
    const m4a = file('audio/mp4', 300 * KB, { subtype: 'slack_audio', filetype: 'm4a' });
    expect(classifyOutboundFile(webm, withFfmpeg)).toEqual(ok('audio', 16 * MB, true));
    expect(classifyOutboundFile(m4a, withFfmpeg)).toEqual(ok('audio', 16 * MB, true));
  });

  it('sends a Slack clip by its type when ffmpeg is missing: webm as a document, mp4 as audio', () => {
    const webm = file('audio/webm', 300 * KB, { subtype: 'slack_audio' });
    const m4a = file('audio/mp4', 300 * KB, { subtype: 'slack_audio' });
    expect(classifyOutboundFile(webm, without)).toEqual(ok('document', 100 * MB));
    expect(classifyOutboundFile(m4a, without)).toEqual(ok('audio', 16 * MB));
  });

  it('sends a Slack clip over the audio limit as it is', () => {
    const big = file('audio/webm', 16 * MB + 1, { subtype: 'slack_audio' });
    expect(classifyOutboundFile(big, withFfmpeg)).toEqual(ok('document', 100 * MB));
  });

  it('does not convert ordinary audio files', () => {
    expect(classifyOutboundFile(file('audio/webm', 10), withFfmpeg)).toEqual(ok('document', 100 * MB));
    expect(classifyOutboundFile(file('audio/mpeg', 10), withFfmpeg)).toEqual(ok('audio', 16 * MB));
  });

  it('sends everything else as a document up to 100 MB', () => {
    expect(classifyOutboundFile(file('application/pdf', 100 * MB), without)).toEqual(ok('document', 100 * MB));
    expect(classifyOutboundFile(file('application/zip', 10), without)).toEqual(ok('document', 100 * MB));
    expect(classifyOutboundFile(file('', 10), without)).toEqual(ok('document', 100 * MB));
    expect(classifyOutboundFile(file('application/pdf', 100 * MB + 1), without)).toEqual(tooLarge('document', 100 * MB));
  });
});
