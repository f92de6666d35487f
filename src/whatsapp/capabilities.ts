import type { WhatsAppCapabilities } from '../core/ports.js';
import { WHATSAPP_MEDIA_RULES } from './media-rules.js';

/** The official Cloud API: templates and the 24-hour window; sent messages cannot be changed; no groups. */
export const CLOUD_CAPABILITIES: WhatsAppCapabilities = {
  serviceWindow: true,
  edits: false,
  deletions: false,
  groups: false,
  templates: true,
  media: WHATSAPP_MEDIA_RULES,
};

/** A linked device (Baileys): it edits and deletes for everyone and takes part in groups; no templates, no window. */
export const WEB_CAPABILITIES: WhatsAppCapabilities = {
  serviceWindow: false,
  edits: true,
  deletions: true,
  groups: true,
  templates: false,
  media: WHATSAPP_MEDIA_RULES,
};
