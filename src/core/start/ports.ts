/**
 * What starting conversations from Slack, templates and saved replies need to keep or look up,
 * behind one narrow port.
 */
import type { SavedReply } from '../store/agent-start.js';

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

export type { SavedReply } from '../store/agent-start.js';

/** What the feature's code reads and writes (src/core/start/agent-store.ts builds it on the Store port). */
export interface AgentStartStore {
  savedReplies(): Promise<SavedReply[]>;
  savedReply(name: string): Promise<SavedReply | undefined>;
  /** Creates or replaces the reply of that name. */
  saveReply(reply: SavedReply): Promise<void>;
  deleteReply(name: string): Promise<void>;
  /**
   * The conversation of this number (digits, no "+") on a route's number, found the way the intake
   * finds a person (by identifier, in the route); a number never seen there gets its own, keyed in
   * the route, which its first message to that number will find.
   */
  conversationFor(phoneDigits: string, route?: string): Promise<string>;
  /** Who started a conversation from Slack (kept once: the first start counts). */
  recordStarter(chatId: string, userId: string, at: number): Promise<void>;
  starter(chatId: string): Promise<{ userId: string; at: number } | undefined>;
}
