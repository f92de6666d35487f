import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../core/errors.js';
import { detectFfmpeg, hasAudio, toOggOpus } from './voice.js';

const run = promisify(execFile);
const ffmpeg = await detectFfmpeg();
const needsFfmpeg = ffmpeg ? '' : ' (skipped: ffmpeg not found on PATH)';

/** A sine tone made by ffmpeg itself, in the given container and codec. */
async function tone(seconds: number, args: string[]): Promise<Buffer> {
  const { stdout } = await run(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, ...args, 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

/** The bytes as a download would deliver them: in small chunks, so backpressure is exercised. */
async function* chunks(data: Buffer, size = 4096): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

function expectOggOpus(out: Buffer): void {
  expect(out.subarray(0, 4).toString('latin1')).toBe('OggS');
  expect(out.includes(Buffer.from('OpusHead'))).toBe(true);
  expect(hasAudio(out)).toBe(true);
}

async function conversionError(promise: Promise<unknown>): Promise<BridgeError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BridgeError);
  const bridge = err as BridgeError;
  expect(bridge.code).toBe('voice_conversion_failed');
  expect(bridge.retryable).toBe(false);
  return bridge;
}

describe('detectFfmpeg', () => {
  it('is false for a binary that does not exist, without throwing', async () => {
    await expect(detectFfmpeg('/nonexistent/ffmpeg')).resolves.toBe(false);
  });

  it('is false for a binary that fails', async () => {
    await expect(detectFfmpeg('false')).resolves.toBe(false);
  });

  it.skipIf(!ffmpeg)(`is true for the installed ffmpeg${needsFfmpeg}`, async () => {
    await expect(detectFfmpeg()).resolves.toBe(true);
  });
});

describe('toOggOpus', () => {
  it.skipIf(!ffmpeg)(`converts a WebM/Opus clip (what Chrome records) to Ogg Opus${needsFfmpeg}`, async () => {
    const webm = await tone(1, ['-c:a', 'libopus', '-f', 'webm']);
    expectOggOpus(await toOggOpus(chunks(webm), { maxBytes: 1024 * 1024 }));
  });

  it.skipIf(!ffmpeg)(`converts a streamable M4A/AAC clip (what Safari records) to Ogg Opus${needsFfmpeg}`, async () => {
    const m4a = await tone(3, ['-c:a', 'aac', '-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4']);
    expectOggOpus(await toOggOpus(chunks(m4a), { maxBytes: 1024 * 1024 }));
  });

  it.skipIf(!ffmpeg)(`fails on an MP4 whose index comes last, which a pipe cannot seek to${needsFfmpeg}`, async () => {
    // Writing such a file needs a seekable output, hence the temporary file (test only).
    // ffmpeg 5.1 then exits 0 having written only the Ogg headers; the output check catches it.
    const dir = await mkdtemp(join(tmpdir(), 'voice-test-'));
    let stdout: Buffer;
    try {
      const path = join(dir, 'clip.m4a');
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=duration=20', '-c:a', 'aac', path]);
      stdout = await readFile(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const err = await conversionError(toOggOpus(chunks(stdout), { maxBytes: 1024 * 1024 }));
    expect(err.message).toMatch(/no audio/);
  });

  it.skipIf(!ffmpeg)(`turns garbage input into a BridgeError with ffmpeg's message${needsFfmpeg}`, async () => {
    const garbage = Buffer.from('this is not audio at all, just text '.repeat(200));
    const err = await conversionError(toOggOpus(chunks(garbage), { maxBytes: 1024 * 1024 }));
    expect(err.message).toMatch(/^voice conversion failed: ffmpeg exited with code \d+: .*invalid data/is);
  });

  it.skipIf(!ffmpeg)(`stops when the output exceeds maxBytes${needsFfmpeg}`, async () => {
    const webm = await tone(5, ['-c:a', 'libopus', '-f', 'webm']);
    const err = await conversionError(toOggOpus(chunks(webm), { maxBytes: 500 }));
    expect(err.message).toMatch(/exceeds 500 bytes/);
  });

  it.skipIf(!ffmpeg)(`stops on timeout when the input stalls${needsFfmpeg}`, async () => {
    async function* stalled(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]);
      await new Promise(() => {});
    }
    const err = await conversionError(toOggOpus(stalled(), { maxBytes: 1024, timeoutMs: 300 }));
    expect(err.message).toMatch(/timed out after 300 ms/);
  });

  it.skipIf(!ffmpeg)(`passes on an error from the input unchanged${needsFfmpeg}`, async () => {
    const download = new BridgeError('slack download failed', { code: 'slack_http', retryable: true });
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      throw download;
    }
    await expect(toOggOpus(failing(), { maxBytes: 1024 })).rejects.toBe(download);
  });

  it('turns a missing ffmpeg into a BridgeError', async () => {
    const err = await conversionError(toOggOpus(chunks(Buffer.alloc(10)), { ffmpegPath: '/nonexistent/ffmpeg', maxBytes: 1024 }));
    expect(err.message).toMatch(/could not run ffmpeg/);
  });
});

describe('hasAudio', () => {
  /** One Ogg page with a body of `bodySize` bytes (one lacing value; enough for the walk). */
  function page(bodySize: number): Buffer {
    const header = Buffer.alloc(27);
    header.write('OggS', 0, 'latin1');
    header[26] = 1;
    return Buffer.concat([header, Buffer.from([bodySize]), Buffer.alloc(bodySize)]);
  }

  it('needs a page after the two header pages', () => {
    expect(hasAudio(Buffer.concat([page(19), page(30)]))).toBe(false);
    expect(hasAudio(Buffer.concat([page(19), page(30), page(100)]))).toBe(true);
  });

  it('rejects what is not Ogg, or is cut short', () => {
    expect(hasAudio(Buffer.from('not ogg at all, not ogg at all, not ogg'))).toBe(false);
    expect(hasAudio(Buffer.concat([page(19), page(30), page(100)]).subarray(0, 60))).toBe(false);
    expect(hasAudio(Buffer.alloc(0))).toBe(false);
  });
});
