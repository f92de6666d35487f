/**
 * What starting conversations from Slack and saved replies keep (issue 12): the replies agents
 * share, and who started a conversation (the card says so every time it is drawn again).
 */

/** A file kept in Slack (picked in the saved-reply form): downloaded with the bot token when the reply is sent. */
export interface SavedReplyFile {
  id: string;
  name: string;
  mimetype: string;
  size: number;
  urlPrivate: string;
}

/** A reply agents share: text with `{name}`, `{ticket}`, `{agent}`, optionally a file link or a Slack file. */
export interface SavedReply {
  /** Unique: saving a reply of a name that exists replaces it. */
  name: string;
  text: string;
  /** A link to a file sent with the reply (e.g. a public PDF); shown to the contact as a link. */
  fileUrl?: string;
  /** A file uploaded in Slack, sent to the contact as media after the text, like a file an agent attaches to a reply. */
  file?: SavedReplyFile;
  updatedBy: string;
  updatedAt: number;
}

export interface SavedReplyStore {
  /** Every reply, by name (ASCII order). */
  list(): Promise<SavedReply[]>;
  get(name: string): Promise<SavedReply | undefined>;
  /** Creates or replaces the reply of that name, in one write. */
  save(reply: SavedReply): Promise<void>;
  /** Deleting a reply that is not there is no error. */
  delete(name: string): Promise<void>;
}

export interface ConversationStart {
  userId: string;
  at: number;
}

export interface ConversationStartStore {
  /** Kept once per conversation: the first start counts, a later or repeated one changes nothing. */
  record(chatId: string, start: ConversationStart): Promise<void>;
  get(chatId: string): Promise<ConversationStart | undefined>;
}
