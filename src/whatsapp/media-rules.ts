import type { MediaRules } from '../core/ports.js';

/**
 * What WhatsApp takes as each kind of media, from the Cloud API's supported media types
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
 * "MB" is meant in steps of 1,024, as formatBytes assumes. WhatsApp Web shows files by the same
 * rules on the phone, so both transports declare these.
 */
const KB = 1024;
const MB = 1024 * KB;

export const WHATSAPP_MEDIA_RULES: MediaRules = {
  maxBytes: {
    image: 5 * MB,
    video: 16 * MB,
    audio: 16 * MB,
    document: 100 * MB,
    // The static limit: nothing in Slack's metadata says whether a webp is animated.
    sticker: 100 * KB,
  },
  types: {
    image: ['image/jpeg', 'image/png'],
    video: ['video/mp4', 'video/3gpp', 'video/3gp'],
    audio: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4'],
    opusAudio: ['audio/ogg'],
  },
};
