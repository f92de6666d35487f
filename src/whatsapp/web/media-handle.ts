import { proto, type WAMessage, type WAMessageKey } from 'baileys';
import { BridgeError } from '../../core/errors.js';
import { numberOf } from './proto-values.js';

export type MediaMessageType = 'imageMessage' | 'videoMessage' | 'ptvMessage' | 'audioMessage' | 'documentMessage' | 'stickerMessage';

/**
 * WhatsApp Web has no media ids: a file is fetched from the CDN with the url, path and key
 * carried in the message itself. The handle the relay stores (MediaContent.mediaId) is that
 * much of the message: its key (for a re-upload request when the CDN copy has expired) and the
 * download fields of the media, without thumbnails or context, so queued jobs stay small.
 */
const DOWNLOAD_FIELDS = [
  'url',
  'directPath',
  'mediaKey',
  'mediaKeyTimestamp',
  'mimetype',
  'fileLength',
  'fileName',
  'fileSha256',
  'fileEncSha256',
  'ptt',
  'isAnimated',
] as const;

const TYPES = new Set<string>(['imageMessage', 'videoMessage', 'ptvMessage', 'audioMessage', 'documentMessage', 'stickerMessage']);
const PREFIX = 'waweb1:';

export function encodeMediaHandle(key: WAMessageKey, type: MediaMessageType, media: object): string {
  const fields = media as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const f of DOWNLOAD_FIELDS) if (fields[f] !== undefined && fields[f] !== null) picked[f] = fields[f];
  // Through protobuf's JSON form: bytes become base64 and 64-bit numbers strings, whatever the input held.
  const message = proto.Message.fromObject({ [type]: picked }).toJSON();
  const k = { remoteJid: key.remoteJid, fromMe: Boolean(key.fromMe), id: key.id, ...(key.participant ? { participant: key.participant } : {}) };
  return PREFIX + JSON.stringify({ key: k, message });
}

export interface DecodedMediaHandle {
  message: WAMessage;
  type: MediaMessageType;
  mimeType?: string;
  fileName?: string;
  /** As WhatsApp reports it (the decrypted size). */
  size?: number;
}

export function decodeMediaHandle(handle: string): DecodedMediaHandle {
  const bad = () => new BridgeError('not a WhatsApp Web media handle', { code: 'bad_media_handle', retryable: false });
  if (!handle.startsWith(PREFIX)) throw bad();
  let parsed: { key?: WAMessageKey; message?: Record<string, unknown> };
  try {
    parsed = JSON.parse(handle.slice(PREFIX.length)) as typeof parsed;
  } catch {
    throw bad();
  }
  const type = Object.keys(parsed.message ?? {}).find((k) => TYPES.has(k)) as MediaMessageType | undefined;
  if (!parsed.key?.id || !parsed.message || !type) throw bad();
  const message = proto.Message.fromObject(parsed.message);
  const media = message[type] as { mimetype?: string | null; fileName?: string | null; fileLength?: unknown } | null | undefined;
  const size = numberOf(media?.fileLength);
  return {
    message: { key: parsed.key, message },
    type,
    mimeType: media?.mimetype ?? undefined,
    fileName: media?.fileName ?? undefined,
    size,
  };
}
