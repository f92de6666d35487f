/**
 * What starting conversations from Slack, templates and saved replies need to keep or look up,
 * behind one narrow port (SQL implementation: src/store/agent-start-sql.ts).
 */

/** An approved message template of the WhatsApp Business account, as the picker shows it. */
export interface MessageTemplate {
  name: string;
  /** Graph's language code, e.g. en_US, pt_BR. */
  language: string;
  category?: string;
  /** The body text with its positional variables, `{{1}}`…; empty when the body is media only. */
  body: string;
  /** How many body variables a send must fill. */
  variables: number;
}

/** The account's approved templates (cached by the adapter). */
export interface TemplateCatalogue {
  list(): Promise<MessageTemplate[]>;
}

/** A reply agents share: text with `{name}`, `{ticket}`, `{agent}`, optionally a file link. */
export interface SavedReply {
  name: string;
  text: string;
  /** A link to a file sent with the reply (e.g. a public PDF); shown to the contact as a link. */
  fileUrl?: string;
  updatedBy: string;
  updatedAt: number;
}

export interface AgentStartStore {
  savedReplies(): Promise<SavedReply[]>;
  savedReply(name: string): Promise<SavedReply | undefined>;
  /** Creates or replaces the reply of that name. */
  saveReply(reply: SavedReply): Promise<void>;
  deleteReply(name: string): Promise<void>;
  /**
   * The conversation of this number (digits, no "+"), found the way the intake finds a person
   * (by identifier); a number never seen gets its own, which its first message will find.
   */
  conversationFor(phoneDigits: string): Promise<string>;
  /** Who started a conversation from Slack (kept once: the first start counts). */
  recordStarter(chatId: string, userId: string, at: number): Promise<void>;
  starter(chatId: string): Promise<{ userId: string; at: number } | undefined>;
}
