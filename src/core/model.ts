/**
 * The normalised WhatsApp model: every transport (Cloud API webhooks now, WhatsApp Web via
 * Baileys later) turns what it receives into these shapes, so nothing past the adapters
 * knows which transport a message came from.
 */

export type WhatsAppTransportKind = 'cloud' | 'web';

export type MediaKind = 'image' | 'video' | 'audio' | 'voice' | 'document' | 'sticker';

export interface TextContent {
  kind: 'text';
  body: string;
}

export interface MediaContent {
  kind: 'media';
  mediaKind: MediaKind;
  /** Cloud API media id (valid for 7 days) or the transport's own handle. */
  mediaId: string;
  mimeType: string;
  caption?: string;
  fileName?: string;
  /** Base64 SHA-256 of the file as WhatsApp reports it, to check a download. */
  sha256?: string;
  /** Stickers only. */
  animated?: boolean;
}

export interface LocationContent {
  kind: 'location';
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
}

export interface SharedContactPhone {
  /** As written in the vCard: free text, not necessarily E.164. */
  phone: string;
  type?: string;
  /** Present when WhatsApp knows the number has an account. */
  waId?: string;
}

export interface SharedContact {
  name: string;
  phones: SharedContactPhone[];
  emails?: string[];
  org?: string;
  /** Job title and department, as in the card (`org.title`, `org.department`). */
  title?: string;
  /** One line per postal address, as written in the card. */
  addresses?: string[];
  urls?: string[];
  /** `YYYY-MM-DD`. */
  birthday?: string;
}

export interface ContactsContent {
  kind: 'contacts';
  contacts: SharedContact[];
}

export type InteractiveReplyKind = 'button' | 'list' | 'quick_reply';

export interface InteractiveContent {
  kind: 'interactive';
  replyKind: InteractiveReplyKind;
  /** The button / row id our own outbound message set, when there is one. */
  id?: string;
  title: string;
  description?: string;
}

export interface ReactionContent {
  kind: 'reaction';
  /** The message reacted to. */
  targetId: string;
  /** Empty string: the contact removed their reaction. */
  emoji: string;
}

export interface UnsupportedContent {
  kind: 'unsupported';
  /** The transport's type name or error title, for the notice and the logs. */
  reason?: string;
  /** What the transport said about it (Cloud API `errors[0]`: title, then details). */
  error?: { code?: number; title?: string; details?: string };
  /** A type newer than the bridge (not Meta's documented `unsupported`): a short honest notice. */
  unknownKind?: boolean;
  /**
   * The transport delivered the message malformed (it could not be read at all, as opposed to a
   * type the bridge does not show): `field` is the first wrong field, e.g. `image.id`.
   */
  malformed?: { field?: string };
}

export interface SystemContent {
  kind: 'system';
  /** WhatsApp's own wording, e.g. "User A changed from +1… to +1…". */
  description: string;
  /**
   * The person's identifiers changed (Cloud API `user_changed_number` / `user_changed_user_id`):
   * the conversation goes on in the same thread. A user id change is told in the bridge's words,
   * as WhatsApp's would show the ids.
   */
  change?: 'number' | 'user_id';
}

export interface OrderItem {
  /** The catalogue's own id of the product (its SKU). */
  productRetailerId: string;
  quantity: number;
  /** Price of one item, in `currency`. */
  itemPrice?: number;
  /** ISO 4217, e.g. `USD`. */
  currency?: string;
}

/** A cart the contact sent from the business's catalogue (Cloud API `order`). */
export interface OrderContent {
  kind: 'order';
  catalogId?: string;
  /** The contact's note with the order. */
  note?: string;
  items: OrderItem[];
}

export interface FlowField {
  /** The field's name as the Flow defines it, e.g. `appointment_date`. */
  name: string;
  /** Rendered as text: lists joined, nested fields flattened (`address.city`). */
  value: string;
}

/** The answers of a WhatsApp Flow (Cloud API `interactive.nfm_reply`). */
export interface FlowReplyContent {
  kind: 'flow_reply';
  /** `flow`, `address_message`, or another kind Meta adds. */
  flowName?: string;
  /** WhatsApp's own line shown in the chat, e.g. "Sent". */
  body?: string;
  fields: FlowField[];
  /** The `flow_token` the business sent with the Flow (identifies which Flow it was). */
  token?: string;
  /** `response_json` was not a JSON object: only the body could be shown. */
  unreadable?: boolean;
}

/** The contact answered a request to call them (Cloud API `interactive.call_permission_reply`). */
export interface CallPermissionContent {
  kind: 'call_permission';
  granted: boolean;
  permanent?: boolean;
  /** Epoch ms when a temporary permission ends. */
  expiresAt?: number;
}

/** The contact (or the business, from the phone) changed an earlier message: `content` is the new version. */
export interface EditContent {
  kind: 'edit';
  targetId: string;
  content: Content;
}

/** The contact (or the business, from the phone) deleted an earlier message for everyone. */
export interface RevokeContent {
  kind: 'revoke';
  targetId: string;
}

/** The contact opened the chat for the first time (Cloud API `request_welcome`). */
export interface WelcomeRequestContent {
  kind: 'welcome_request';
}

/** The contact changed what they accept from the business (Cloud API `user_preferences`), e.g. stopped marketing messages. */
export interface PreferenceContent {
  kind: 'preference';
  /** `marketing_messages` today. */
  category: string;
  /** `stop` or `resume` today. */
  value: string;
}

export type Content =
  | TextContent
  | MediaContent
  | LocationContent
  | ContactsContent
  | InteractiveContent
  | ReactionContent
  | UnsupportedContent
  | SystemContent
  | OrderContent
  | FlowReplyContent
  | CallPermissionContent
  | EditContent
  | RevokeContent
  | WelcomeRequestContent
  | PreferenceContent;

/** Where the contact came from: a Click-to-WhatsApp ad or a post (Cloud API `referral`). */
export interface Referral {
  /** `ad` or `post`. */
  sourceType?: string;
  sourceId?: string;
  sourceUrl?: string;
  headline?: string;
  body?: string;
  /** `image` or `video`. */
  mediaType?: string;
  mediaUrl?: string;
  thumbnailUrl?: string;
}

export type ContentKind = Content['kind'];

export interface InboundMessage {
  /** External id: the wamid on Cloud API, the message key id on WhatsApp Web. Unique per transport. */
  id: string;
  transport: WhatsAppTransportKind;
  /** The conversation: the contact's wa_id for a one-to-one chat, or the group's id. */
  chatId: string;
  /** Display number of our business line the message came in on (digits). */
  businessNumber: string;
  /** In a group, `photoUrl` is the member's profile picture when the transport knows it (WhatsApp Web). */
  sender: { waId: string; name?: string; photoUrl?: string };
  /** Epoch milliseconds (Cloud API sends seconds; adapters convert). */
  timestamp: number;
  replyTo?: { id: string; from?: string };
  forwarded?: boolean;
  /** WhatsApp's "forwarded many times" flag. */
  frequentlyForwarded?: boolean;
  /**
   * WhatsApp Web: the contact edited an earlier message, `replyTo.id`; `content` is the new
   * text. (The Cloud API's edits come as `EditContent`.)
   */
  edited?: boolean;
  /** WhatsApp Web: the contact deleted `replyTo.id` for everyone; `content` is a system notice. */
  deleted?: boolean;
  /**
   * Written on the business phone itself, not by the contact: WhatsApp Web's own messages, and the
   * Cloud API's `smb_message_echoes` (the WhatsApp Business app, "coexistence").
   */
  fromPhone?: boolean;
  /** The ad or post the contact came from, on the message that carries it. */
  referral?: Referral;
  content: Content;
}

/**
 * What WhatsApp says identifies a person (Cloud API; number and LID on WhatsApp Web): any one may be missing, never all. Each is
 * personal data, like a phone number.
 */
export interface PersonIds {
  /** E.164 digits, no "+": withheld for some users who adopted a username. */
  phone?: string;
  /** Business-scoped user id (BSUID), e.g. `US.13491208655302741918`. */
  bsuid?: string;
  /** Parent BSUID shared by linked business portfolios, e.g. `US.ENT.11815799212886844830`. */
  parentBsuid?: string;
  /** The user's WhatsApp username (display only: it can change and be taken by someone else later). */
  username?: string;
  /** WhatsApp Web: the person's LID (`…@lid`), the hidden id that stands in for the number. */
  lid?: string;
}

export interface Contact {
  waId: string;
  name?: string;
  /** E.164 digits, no "+". */
  phone: string;
  photoUrl?: string;
}

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusError {
  code: number;
  title: string;
  message?: string;
  details?: string;
  /** The transport read it as the 24-hour window being closed: only a template reaches the contact. */
  windowClosed?: boolean;
}

export interface StatusUpdate {
  /** The outbound message's wamid. */
  messageId: string;
  status: DeliveryStatus;
  /** Epoch milliseconds. */
  timestamp: number;
  /** wa_id of the recipient, or their BSUID when the number is withheld. */
  recipient: string;
  /** The recipient's BSUID (Cloud API `recipient_user_id`), when the status carries it. */
  recipientUserId?: string;
  errors?: StatusError[];
  /** The reference the bridge sent with the message (Cloud API `biz_opaque_callback_data`). */
  ref?: string;
  /** The route of the number that sent the message (ROUTES_FILE); absent: the implicit single route. */
  route?: string;
}

/**
 * Order in which delivery states may replace each other. Meta does not guarantee the order
 * of status webhooks, so the stored state only ever moves up this ladder:
 *
 *   sent (1) < delivered (2) < failed (3) < read (4)
 *
 * - `failed` outranks `sent` and `delivered`: a failure needs someone to act (send a
 *   template, check the number), so a late or out-of-order `sent`/`delivered` must not hide it.
 * - `read` outranks `failed`: only the recipient's phone emits a read receipt, so it proves
 *   the message arrived whatever was reported before.
 * - Equal ranks do not replace each other, which makes re-delivered webhooks no-ops.
 */
export function statusRank(status: DeliveryStatus): number {
  switch (status) {
    case 'sent':
      return 1;
    case 'delivered':
      return 2;
    case 'failed':
      return 3;
    case 'read':
      return 4;
  }
}

/** True when `next` should replace `current` (no current state: always). */
export function isStatusUpgrade(current: DeliveryStatus | undefined, next: DeliveryStatus): boolean {
  return current === undefined || statusRank(next) > statusRank(current);
}

/** The state to keep after seeing `next`. */
export function mergeStatus(current: DeliveryStatus | undefined, next: DeliveryStatus): DeliveryStatus {
  return isStatusUpgrade(current, next) ? next : (current ?? next);
}
