import type { MediaRules } from './ports.js';

/**
 * How a file shared in Slack is sent to WhatsApp: by the media rules the transport declares
 * (its capabilities), never by a vendor's table kept here.
 */

export type OutboundMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface OutboundFile {
  mimetype: string;
  size: number;
  name: string;
  /** "slack_audio" for a clip recorded in Slack. */
  subtype?: string;
  /** Slack's type name, e.g. "webm", "m4a", "ogg". */
  filetype?: string;
}

/** Tell the two apart with `'tooLarge' in plan`. */
export type OutboundMediaPlan =
  | {
      kind: OutboundMediaKind;
      /** Transcode to Ogg Opus (VOICE_MIMETYPE) first; `limitBytes` then bounds the output. */
      convertToVoice: boolean;
      limitBytes: number;
    }
  | { tooLarge: true; kind: OutboundMediaKind; limitBytes: number };

/** What a converted voice clip is uploaded as. */
export const VOICE_MIMETYPE = 'audio/ogg';

export function classifyOutboundFile(file: OutboundFile, opts: { ffmpegAvailable: boolean; rules: MediaRules }): OutboundMediaPlan {
  const { type, params } = parseMimetype(file.mimetype);
  const limits = opts.rules.maxBytes;
  // A Slack clip becomes a voice note when ffmpeg can make the Ogg Opus WhatsApp needs.
  // The clip is checked against the audio limit before conversion: transcoding to 32 kb/s
  // only shrinks it, and a clip over the limit is better sent as it is, as a document.
  if (file.subtype === 'slack_audio' && opts.ffmpegAvailable && file.size <= limits.audio) {
    return { kind: 'audio', convertToVoice: true, limitBytes: limits.audio };
  }
  return withinLimit(file.size, kindOf(type, params, file, opts.rules), limits);
}

/**
 * A webp is not sent as a sticker: a sticker must be exactly 512×512, which Slack's file
 * metadata does not tell, and image messages take only JPEG and PNG. As a document it
 * always arrives.
 */
function kindOf(type: string, params: string, file: OutboundFile, rules: MediaRules): OutboundMediaKind {
  if (rules.types.image.includes(type)) return 'image';
  if (rules.types.video.includes(type)) return 'video';
  if (rules.types.audio.includes(type)) return 'audio';
  if (rules.types.opusAudio.includes(type) && isOpus(params, file)) return 'audio';
  return 'document';
}

/**
 * Ogg may hold Vorbis, which WhatsApp rejects as audio; only send it as audio when the file
 * says it is Opus. Otherwise it goes as a document, which plays on the phone all the same.
 */
function isOpus(params: string, file: OutboundFile): boolean {
  return /(?:^|;)\s*codecs\s*=\s*"?opus"?/i.test(params) || /\.opus$/i.test(file.name) || file.filetype === 'opus';
}

function withinLimit(size: number, kind: OutboundMediaKind, limits: MediaRules['maxBytes']): OutboundMediaPlan {
  const limitBytes = limits[kind];
  if (size > limitBytes) return { tooLarge: true, kind, limitBytes };
  return { kind, convertToVoice: false, limitBytes };
}

/** "Audio/OGG; codecs=opus" → type "audio/ogg", params "codecs=opus". */
function parseMimetype(mimetype: string): { type: string; params: string } {
  const semi = mimetype.indexOf(';');
  const type = (semi < 0 ? mimetype : mimetype.slice(0, semi)).trim().toLowerCase();
  return { type, params: semi < 0 ? '' : mimetype.slice(semi + 1) };
}
