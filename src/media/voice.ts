import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { BridgeError } from '../core/errors.js';

const DETECT_TIMEOUT_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 60_000;
const STDERR_TAIL = 1_000;

/** True when `path -version` runs and exits 0; never throws (a missing binary is just false). */
export function detectFfmpeg(path = 'ffmpeg'): Promise<boolean> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(path, ['-version'], { stdio: 'ignore' });
    } catch {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), DETECT_TIMEOUT_MS);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

export interface ToOggOpusOptions {
  ffmpegPath?: string;
  /** Output larger than this kills ffmpeg and fails: it could not be sent anyway. */
  maxBytes: number;
  timeoutMs?: number;
}

/**
 * Mono 32 kb/s Opus in Ogg at 48 kHz with the VoIP tuning: the format WhatsApp plays as a
 * voice note (Cloud API audio: "audio/ogg (OPUS codecs only)").
 */
const ARGS = [
  '-hide_banner', '-loglevel', 'error',
  '-i', 'pipe:0',
  '-vn', '-c:a', 'libopus', '-b:a', '32k', '-ac', '1', '-ar', '48000', '-application', 'voip',
  '-f', 'ogg', 'pipe:1',
];

/**
 * Streams `input` through ffmpeg and collects the Ogg Opus output in memory; nothing touches
 * the disk. Failures (ffmpeg missing or failing, no audio out, timeout, output over
 * `maxBytes`) become a non-retryable BridgeError `voice_conversion_failed` carrying the tail
 * of ffmpeg's stderr: the same input would fail the same way again. An error thrown by
 * `input` itself (the download) is passed on unchanged, so its own retryability holds.
 *
 * Reading from a pipe, ffmpeg cannot seek: an MP4 whose index (moov) sits after the audio
 * fails here, and the caller should send such a file as it is.
 */
export function toOggOpus(input: AsyncIterable<Uint8Array>, opts: ToOggOpusOptions): Promise<Buffer> {
  const child = spawn(opts.ffmpegPath ?? 'ffmpeg', ARGS, { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let size = 0;
  let stderr = '';
  let failure: unknown;
  let finished = false;

  return new Promise<Buffer>((resolve, reject) => {
    const fail = (err: unknown) => {
      if (failure === undefined && !finished) failure = err;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => fail(conversionError(`timed out after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);

    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.maxBytes) fail(conversionError(`output exceeds ${opts.maxBytes} bytes`));
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    // ffmpeg stops reading once it has failed: the resulting EPIPE is not the error to report.
    child.stdin.on('error', () => {});
    child.once('error', (err) => {
      fail(conversionError(`could not run ffmpeg: ${err.message}`, err));
      // Not started at all (e.g. ENOENT): no 'close' is owed, so settle here.
      if (child.pid === undefined) {
        finished = true;
        clearTimeout(timer);
        reject(failure);
      }
    });
    child.once('close', (code, signal) => {
      finished = true;
      clearTimeout(timer);
      if (failure !== undefined) return reject(failure);
      const output = Buffer.concat(chunks);
      if (code !== 0) return reject(conversionError(`ffmpeg exited with ${signal ?? `code ${code}`}${tail(stderr)}`));
      // ffmpeg can exit 0 having written only the Ogg headers (e.g. an unseekable MP4).
      if (!hasAudio(output)) return reject(conversionError(`ffmpeg produced no audio${tail(stderr)}`));
      resolve(output);
    });

    feed(input, child.stdin, () => finished || failure !== undefined).catch((err: unknown) => fail(err));
  });
}

async function feed(input: AsyncIterable<Uint8Array>, stdin: Writable, stopped: () => boolean): Promise<void> {
  for await (const chunk of input) {
    if (stopped() || stdin.destroyed) return;
    if (!stdin.write(chunk)) await drained(stdin);
  }
  stdin.end();
}

/** Resolves on 'drain', or when the stream can no longer drain (closed or failed). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

function conversionError(message: string, cause?: unknown): BridgeError {
  return new BridgeError(`voice conversion failed: ${message}`, { code: 'voice_conversion_failed', retryable: false, cause });
}

function tail(stderr: string): string {
  const text = stderr.trim();
  return text === '' ? '' : `: ${text}`;
}

/**
 * True when the output holds an Ogg page beyond the two Opus header pages (OpusHead,
 * OpusTags), i.e. some audio. Walks the page headers: "OggS", 27 bytes, a segment table.
 */
export function hasAudio(ogg: Buffer): boolean {
  let pages = 0;
  let at = 0;
  while (at + 27 <= ogg.length) {
    if (ogg.toString('latin1', at, at + 4) !== 'OggS') return false;
    const segments = ogg[at + 26] ?? 0;
    if (at + 27 + segments > ogg.length) return false;
    let body = 0;
    for (let i = 0; i < segments; i++) body += ogg[at + 27 + i] ?? 0;
    at += 27 + segments + body;
    pages++;
    if (pages > 2) return true;
  }
  return false;
}
