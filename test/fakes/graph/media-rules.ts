/**
 * What Graph accepts as media: the supported types and their sizes
 * (developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media,
 * "Supported media types"; mirrored at docs.aws.amazon.com/social-messaging/latest/userguide/supported-media-types.html):
 * image jpeg/png 5 MB; video mp4/3gpp 16 MB; audio aac/amr/mpeg/mp4/ogg 16 MB; document (PDF, Office,
 * plain text) 100 MB; sticker webp 500 KB animated, 100 KB static. "MB" in steps of 1,024.
 *
 * Upload (POST /<PHONE_NUMBER_ID>/media) refuses a file part of another type synchronously with
 * "(#100) Param file must be a file with one of the following types: … Received file of type '…'."
 * (as reported in fbsamples/whatsapp-api-examples#10, MissaelAnda/laravel-whatsapp#4). A message
 * whose media id has the wrong type for its message type is accepted (a wamid comes back) and then
 * fails in its status webhook with 131053 "Media upload error", details "Unsupported Image mime
 * type video/mp4. Please use one of image/png, image/jpeg." (chatwoot/chatwoot#10428, #12713).
 */
const KB = 1024;
const MB = 1024 * KB;

type Kind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** The upload endpoint's list, in the order its error message gives it. */
const UPLOAD_TYPES: ReadonlyArray<[string, Kind]> = [
  ['audio/aac', 'audio'],
  ['audio/mp4', 'audio'],
  ['audio/mpeg', 'audio'],
  ['audio/amr', 'audio'],
  ['audio/ogg', 'audio'],
  ['audio/opus', 'audio'],
  ['application/vnd.ms-powerpoint', 'document'],
  ['application/msword', 'document'],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
  ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'document'],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'document'],
  ['application/pdf', 'document'],
  ['text/plain', 'document'],
  ['application/vnd.ms-excel', 'document'],
  ['image/jpeg', 'image'],
  ['image/png', 'image'],
  ['image/webp', 'sticker'],
  ['video/mp4', 'video'],
  ['video/3gpp', 'video'],
];
const KIND_OF = new Map(UPLOAD_TYPES);

export const MEDIA_LIMITS: Readonly<Record<Kind | 'animatedSticker', number>> = {
  image: 5 * MB,
  video: 16 * MB,
  audio: 16 * MB,
  document: 100 * MB,
  sticker: 100 * KB,
  animatedSticker: 500 * KB,
};

/** What each message type takes, as the failed-status details list it. */
const SEND_TYPES: Readonly<Partial<Record<Kind, readonly string[]>>> = {
  image: ['image/png', 'image/jpeg'],
  video: ['video/mp4', 'video/3gpp'],
  audio: ['audio/ogg; codecs=opus', 'audio/mpeg', 'audio/amr', 'audio/mp4', 'audio/aac'],
  sticker: ['image/webp'],
};

/** "Audio/OGG; codecs=opus" → "audio/ogg". */
export const bareType = (mime: string): string => (mime.split(';')[0] ?? '').trim().toLowerCase();

/** A WebP with an extended header (VP8X) whose animation flag is set. */
export function isAnimatedWebp(bytes: Buffer): boolean {
  return bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 16).toString('latin1') === 'WEBPVP8X' && ((bytes[20] ?? 0) & 0x02) !== 0;
}

const sizeLabel = (bytes: number) => (bytes >= MB ? `${bytes / MB}MB` : `${bytes / KB}KB`);

export type UploadRefusal = { code: 100 | 131053; message: string; details?: string };

/** Why Graph refuses this upload, if it does. */
export function uploadRefusal(mime: string, bytes: Buffer): UploadRefusal | undefined {
  const type = bareType(mime);
  const kind = KIND_OF.get(type);
  if (!kind) {
    const list = UPLOAD_TYPES.map(([t]) => t).join(', ');
    return { code: 100, message: `(#100) Param file must be a file with one of the following types: ${list}. Received file of type '${type}'.` };
  }
  const limit = kind === 'sticker' && isAnimatedWebp(bytes) ? MEDIA_LIMITS.animatedSticker : MEDIA_LIMITS[kind];
  if (bytes.length <= limit) return undefined;
  return {
    code: 131053,
    message: '(#131053) Media upload error',
    details: `Media file size too big. Max file size we currently support: ${sizeLabel(limit)}. Please adjust your file size and try again.`,
  };
}

/** The failed-status details for media of this type sent as `messageType`, if it does not fit. */
export function sendMismatch(messageType: string, mime: string): string | undefined {
  const wanted = SEND_TYPES[messageType as Kind];
  if (!wanted) return undefined; // a document takes any uploadable type
  const type = bareType(mime);
  const fits = messageType === 'audio' ? type !== 'audio/opus' && KIND_OF.get(type) === 'audio' : wanted.includes(type);
  if (fits) return undefined;
  const label = messageType === 'audio' ? 'Audio' : messageType.charAt(0).toUpperCase() + messageType.slice(1);
  return `Unsupported ${label} mime type ${mime}. Please use one of ${wanted.join(', ')}.`;
}
