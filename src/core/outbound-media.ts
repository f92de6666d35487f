/**
 * How a file shared in Slack is sent to WhatsApp, from the Cloud API's supported media types
 * (Meta's "Supported media types" table, mirrored at
 * https://docs.aws.amazon.com/social-messaging/latest/userguide/supported-media-types.html
 * and https://help.vtex.com/en/docs/tutorials/supported-media-sending-whatsapp-cloud):
 *
 * - image: image/jpeg, image/png, 5 MB;
 * - video: video/mp4, video/3gp(p), 16 MB (H.264 video and AAC audio only; the codec is not
 *   visible from Slack's metadata, so an mp4 with other codecs is still tried as video);
 * - audio: audio/aac, audio/amr, audio/mpeg, audio/mp4, audio/ogg, 16 MB; "audio/ogg (OPUS
 *   codecs only; base audio/ogg not supported)";
 * - sticker: image/webp, 100 KB static / 500 KB animated, and exactly 512×512 pixels
 *   (https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/sticker-messages);
 * - document: 100 MB. The table lists PDF, Office and plain text, and Meta sends any other
 *   file type as a document too.
 *
 * "MB" is meant in steps of 1,024, as formatBytes assumes.
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

const KB = 1024;
const MB = 1024 * KB;

export const WHATSAPP_MEDIA_LIMITS: Readonly<Record<OutboundMediaKind, number>> = {
  image: 5 * MB,
  video: 16 * MB,
  audio: 16 * MB,
  document: 100 * MB,
  // The static limit: nothing in Slack's metadata says whether a webp is animated.
  sticker: 100 * KB,
};

/** What a converted voice clip is uploaded as. */
export const VOICE_MIMETYPE = 'audio/ogg';

const IMAGE = new Set(['image/jpeg', 'image/png']);
const VIDEO = new Set(['video/mp4', 'video/3gpp', 'video/3gp']);
const AUDIO = new Set(['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4']);

export function classifyOutboundFile(file: OutboundFile, opts: { ffmpegAvailable: boolean }): OutboundMediaPlan {
  const { type, params } = parseMimetype(file.mimetype);
  // A Slack clip becomes a voice note when ffmpeg can make the Ogg Opus WhatsApp needs.
  // The clip is checked against the audio limit before conversion: transcoding to 32 kb/s
  // only shrinks it, and a clip over the limit is better sent as it is, as a document.
  if (file.subtype === 'slack_audio' && opts.ffmpegAvailable && file.size <= WHATSAPP_MEDIA_LIMITS.audio) {
    return { kind: 'audio', convertToVoice: true, limitBytes: WHATSAPP_MEDIA_LIMITS.audio };
  }
  return withinLimit(file.size, kindOf(type, params, file));
}

/**
 * A webp is not sent as a sticker: a sticker must be exactly 512×512, which Slack's file
 * metadata does not tell, and image messages take only JPEG and PNG. As a document it
 * always arrives.
 */
function kindOf(type: string, params: string, file: OutboundFile): OutboundMediaKind {
  if (IMAGE.has(type)) return 'image';
  if (VIDEO.has(type)) return 'video';
  if (AUDIO.has(type)) return 'audio';
  if (type === 'audio/ogg' && isOpus(params, file)) return 'audio';
  return 'document';
}

/**
 * Ogg may hold Vorbis, which WhatsApp rejects as audio; only send it as audio when the file
 * says it is Opus. Otherwise it goes as a document, which plays on the phone all the same.
 */
function isOpus(params: string, file: OutboundFile): boolean {
  return /(?:^|;)\s*codecs\s*=\s*"?opus"?/i.test(params) || /\.opus$/i.test(file.name) || file.filetype === 'opus';
}

function withinLimit(size: number, kind: OutboundMediaKind): OutboundMediaPlan {
  const limitBytes = WHATSAPP_MEDIA_LIMITS[kind];
  if (size > limitBytes) return { tooLarge: true, kind, limitBytes };
  return { kind, convertToVoice: false, limitBytes };
}

/** "Audio/OGG; codecs=opus" → type "audio/ogg", params "codecs=opus". */
function parseMimetype(mimetype: string): { type: string; params: string } {
  const semi = mimetype.indexOf(';');
  const type = (semi < 0 ? mimetype : mimetype.slice(0, semi)).trim().toLowerCase();
  return { type, params: semi < 0 ? '' : mimetype.slice(semi + 1) };
}
