import type { DeliveryStatus, StatusUpdate, WhatsAppTransportKind } from './model.js';

/** What the relay knows about a conversation. */
export interface ContactRecord {
  chatId: string;
  /** The route of the number the person wrote to (ROUTES_FILE); absent or `default`: the implicit single route. */
  route?: string;
  transport: WhatsAppTransportKind;
  waId: string;
  name?: string;
  /** Empty for a group, and for a person whose number WhatsApp withholds (username users). */
  phone: string;
  /** Cloud API username (display only). */
  username?: string;
  /** Cloud API business-scoped user id: replies go to it when the conversation is keyed by it. */
  bsuid?: string;
  businessNumber?: string;
  photoUrl?: string;
  isGroup: boolean;
  slackChannel?: string;
  cardTs?: string;
  lastInboundAt?: number;
}

export interface ContactStore {
  get(chatId: string): Promise<ContactRecord | undefined>;
  /** Creates or refreshes what the transport told us (name, photo…); never touches the card. */
  upsert(contact: Omit<ContactRecord, 'slackChannel' | 'cardTs'>): Promise<ContactRecord>;
  setCard(chatId: string, slackChannel: string, cardTs: string): Promise<void>;
  findByCard(slackChannel: string, cardTs: string): Promise<ContactRecord | undefined>;
}

export interface MessageLink {
  waMessageId: string;
  chatId: string;
  direction: 'in' | 'out';
  slackChannel: string;
  slackTs: string;
  excerpt?: string;
  status?: DeliveryStatus;
  statusError?: string;
}

export interface MessageMap {
  link(link: Omit<MessageLink, 'status' | 'statusError'>): Promise<void>;
  byWaId(waMessageId: string): Promise<MessageLink | undefined>;
  bySlackTs(slackChannel: string, slackTs: string): Promise<MessageLink | undefined>;
  /** The contact's latest message that reached Slack (for read receipts). */
  latestInbound(chatId: string): Promise<MessageLink | undefined>;
  /** Every WhatsApp message one Slack message became (a long reply goes out in parts). */
  allBySlackTs(slackChannel: string, slackTs: string): Promise<MessageLink[]>;
  /** Records a status webhook; returns the message's state afterwards (never downgraded). */
  recordStatus(update: StatusUpdate): Promise<{ status: DeliveryStatus; changed: boolean; previous?: DeliveryStatus; link?: MessageLink }>;
}

/** Results of side effects keyed by their cause, so a retried job does not repeat them. */
export interface EffectLog {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
  /** Forgets results older than the cut-off: they only ever serve retries, which end long before. */
  prune(olderThan: number): Promise<number>;
}

/** Someone a Slack message is shown as (needs chat:write.customize). */
export interface PostAs {
  username: string;
  iconUrl?: string;
  iconEmoji?: string;
}

export interface SlackBlock {
  type: string;
  [key: string]: unknown;
}

export interface PostMessage {
  channel: string;
  threadTs?: string;
  text: string;
  blocks?: SlackBlock[];
  as?: PostAs;
  metadata?: { eventType: string; payload: Record<string, string | number | boolean> };
}

export interface FileUpload {
  channel: string;
  threadTs: string;
  fileName: string;
  title?: string;
  /** Bytes: Slack needs the length before the upload starts. */
  length: number;
  data: AsyncIterable<Uint8Array> | Uint8Array;
  initialComment?: string;
}

/** Finds a post of ours by its metadata, to recover work a crashed attempt did but did not record. */
export interface PostedQuery {
  channel: string;
  /** Search this thread's replies; without it, the channel's top-level messages. */
  threadTs?: string;
  eventType: string;
  match: Record<string, string | number>;
  /** Epoch ms: nothing posted before this can be the one. */
  since: number;
}

/** The Slack side, as the relay needs it. */
export interface ChatSurface {
  findPosted(query: PostedQuery): Promise<string | undefined>;
  /** Finds a file of ours shared in a thread since a time, by name (uploads carry no metadata). */
  findUploaded(query: { channel: string; threadTs: string; fileName: string; since: number }): Promise<string | undefined>;
  /** Whether posts can carry a username and icon (chat:write.customize). */
  canPostAs(): boolean;
  postMessage(message: PostMessage): Promise<{ ts: string }>;
  updateMessage(message: { channel: string; ts: string; text: string; blocks?: SlackBlock[] }): Promise<void>;
  addReaction(channel: string, ts: string, name: string): Promise<void>;
  removeReaction(channel: string, ts: string, name: string): Promise<void>;
  uploadFile(upload: FileUpload): Promise<{ fileId: string }>;
  /** A link to a message (chat.getPermalink). */
  permalink(channel: string, ts: string): Promise<string>;
  /** A channel's name (conversations.info); cached. */
  channelName(channelId: string): Promise<string>;
  /** A person's name as Slack shows it (display name, else real name); cached. */
  userName(userId: string): Promise<string>;
  /** Streams a file an agent posted (url_private, with the bot token). */
  downloadFile(urlPrivate: string, maxBytes: number): Promise<MediaDownload>;
}

export type OutboundMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface OutboundMedia {
  kind: OutboundMediaKind;
  mimeType: string;
  fileName: string;
  data: AsyncIterable<Uint8Array> | Uint8Array;
  caption?: string;
}

/** Per-send options. */
export interface SendOptions {
  /**
   * The bridge's own reference for this send, echoed back in its status webhooks where the
   * transport can (Cloud API `biz_opaque_callback_data`): it ties a status to a send whose answer was lost.
   */
  ref?: string;
}

/** Which files WhatsApp takes as each kind of media, and how large. */
export interface MediaRules {
  /** The largest file of each kind, in bytes. */
  maxBytes: Readonly<Record<OutboundMediaKind, number>>;
  /** MIME types (lower case, without parameters) sent as each kind; anything else goes as a document. */
  types: { image: readonly string[]; video: readonly string[]; audio: readonly string[]; opusAudio: readonly string[] };
}

/**
 * What a WhatsApp transport can do, declared by the transport (as mautrix bridges' capabilities):
 * the relay reads these and never a vendor's chat ids, error codes or media tables.
 */
export interface WhatsAppCapabilities {
  /** Only templates may be sent 24 hours after the contact last wrote (Cloud API). */
  serviceWindow: boolean;
  /** Sent messages can be edited, and deleted for everyone (WhatsApp Web). */
  edits: boolean;
  deletions: boolean;
  /** Group chats come and go through it. */
  groups: boolean;
  /** Approved message templates can be sent. */
  templates: boolean;
  media: MediaRules;
}

/** The WhatsApp side for replies, whichever transport carries them. */
export interface WhatsAppSender {
  readonly capabilities: WhatsAppCapabilities;
  sendText(to: string, body: string, opts?: SendOptions): Promise<{ id: string }>;
  sendMedia(to: string, media: OutboundMedia, opts?: SendOptions): Promise<{ id: string }>;
  /** An empty emoji removes the reaction. */
  sendReaction(to: string, messageId: string, emoji: string): Promise<{ id: string }>;
  /** `bodyParams`: the values of the body's `{{1}}`… variables, in order. */
  sendTemplate(to: string, name: string, language: string, opts?: SendOptions & { bodyParams?: string[] }): Promise<{ id: string }>;
  markRead(messageId: string): Promise<void>;
  /** Replaces the text of a message we sent (present when capabilities.edits). */
  editText?(to: string, messageId: string, body: string): Promise<{ id: string }>;
  /** Deletes a message we sent, for everyone (present when capabilities.deletions). */
  deleteMessage?(to: string, messageId: string): Promise<{ id: string }>;
}

/** A media file from WhatsApp, ready to be streamed. */
export interface MediaDownload {
  mimeType: string;
  size: number;
  fileName?: string;
  data: AsyncIterable<Uint8Array> | Uint8Array;
}

export interface InboundMedia {
  /** Streams the media; throws BridgeError `media_too_large` when it is bigger than maxBytes. */
  download(mediaId: string, maxBytes: number): Promise<MediaDownload>;
}

export interface Clock {
  now(): number;
}

export type { WhatsAppTransportKind };

/** One SLA of a request, as the card shows it. */
export interface SlaState {
  name: string;
  /** Remaining time in ms (negative once breached); undefined when the clock is not running. */
  remainingMs?: number;
  breached: boolean;
  paused: boolean;
  /** Jira's own wording of the remaining time, e.g. "2h 13m". */
  remainingFriendly?: string;
  /** The goal is met (a completed cycle, nothing ongoing). */
  completed: boolean;
}

export interface TicketRef {
  key: string;
  id: string;
  status: string;
  /** Whether the status counts as done (Jira's status category). */
  done: boolean;
  url: string;
}

/** Jira Service Management, as the relay needs it. */
export interface Ticketing {
  /** Finds or creates the JSM customer for a contact; undefined when that is not permitted. */
  customerFor(contact: { email: string; displayName: string }): Promise<string | undefined>;
  createRequest(input: { summary: string; description: string; onBehalfOf?: string }): Promise<TicketRef>;
  getRequest(key: string): Promise<TicketRef>;
  getSla(key: string): Promise<SlaState[]>;
  addComment(key: string, body: string, isPublic: boolean): Promise<{ id: string }>;
  /**
   * A comment the integration account wrote on the request since a time with exactly this body and visibility:
   * what a retry looks for before posting a comment again whose first attempt's outcome is unknown.
   */
  findComment(key: string, query: { body: string; isPublic: boolean; since: number }): Promise<{ id: string } | undefined>;
  /** Requests of the configured type raised since a time with exactly this summary, most recently active first. */
  findRequests(query: { summary: string; since: number }): Promise<TicketRef[]>;
}

export interface TicketRecord extends TicketRef {
  chatId: string;
  sla: SlaState[];
  slaWarned: string[];
  closedAt?: number;
}

export interface PendingComment {
  id: number;
  body: string;
  isPublic: boolean;
  createdAt: number;
}

/** Lines on their way into one Jira comment: recorded before the comment is posted. */
export interface CommentBatch {
  id: number;
  ticketKey: string;
  isPublic: boolean;
  body: string;
  /** When the intent was recorded: the comment cannot be older. */
  createdAt: number;
}

/** The bridge's memory of Jira requests: one open request per conversation at most. */
export interface TicketStore {
  open(chatId: string): Promise<TicketRecord | undefined>;
  byKey(key: string): Promise<TicketRecord | undefined>;
  allOpen(): Promise<TicketRecord[]>;
  /** The most recent request of the conversation, open or not. */
  latest(chatId: string): Promise<TicketRecord | undefined>;
  save(ticket: TicketRecord): Promise<void>;
  /** How many requests this conversation has had (to key a new one's creation). */
  count(chatId: string): Promise<number>;
  /** Keeps a line for the request's comments, once per source (`wa:<wamid>`, `slack:<event id>`); false when already kept. */
  addLine(chatId: string, sourceKey: string, line: { body: string; isPublic: boolean }): Promise<boolean>;
  /** Lines not yet in a comment batch, oldest first. */
  pendingComments(chatId: string): Promise<PendingComment[]>;
  /** Records the intent to post these lines as one comment with this body; fails if another batch took a line. */
  startBatch(chatId: string, batch: { ticketKey: string; isPublic: boolean; body: string; lineIds: number[] }): Promise<CommentBatch>;
  /** Batches whose intent was recorded and whose result was not (the attempt that posted them stopped). */
  unfinishedBatches(chatId: string): Promise<CommentBatch[]>;
  finishBatch(batchId: number, commentId: string): Promise<void>;
  /** Jira refused the comment outright (nothing was posted): its lines wait again, the batch is forgotten. */
  abandonBatch(batchId: number): Promise<void>;
  /** Forgets posted lines and batches older than the cut-off: they only serve retries. */
  prune(olderThan: number): Promise<number>;
}
