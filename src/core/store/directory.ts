/** One conversation as the operator console lists it. */
export interface ConversationSummary {
  chatId: string;
  name?: string;
  /** The number as stored (digits). */
  phone?: string;
  username?: string;
  isGroup: boolean;
  transport: string;
  slackChannel?: string;
  cardTs?: string;
  /** The conversation's most recent request, open or not. */
  ticket?: { key: string; url: string; done: boolean };
  /** The later of its last inbound message and its contact's last update. */
  lastActivityAt: number;
}

export interface ConversationQuery {
  /**
   * Matches any part of the name, username, conversation key or any of the person's identifiers,
   * case-insensitively; a typed number (digits, spaces, `+().-`, at least 3 digits) also matches
   * the phone number by its digits. Empty or absent: every conversation.
   */
  text?: string;
  limit: number;
  offset: number;
}

/** The operator console's list of conversations. */
export interface ConversationDirectory {
  /** Newest activity first (then by conversation key), one page. */
  search(query: ConversationQuery): Promise<ConversationSummary[]>;
}

/** A typed number ("+1 (650) 555-1234"), as opposed to a name that happens to hold digits. */
const NUMBER_LIKE = /^[\d\s+().-]+$/;

/** How a query's text is matched, the same in every store. */
export function directoryTerms(text: string | undefined): { words?: string; digits?: string } {
  const typed = (text ?? '').trim().slice(0, 100);
  if (typed === '') return {};
  const digits = typed.replace(/\D/g, '');
  return { words: typed.replace(/^@/, '').toLowerCase(), ...(digits.length >= 3 && NUMBER_LIKE.test(typed) ? { digits } : {}) };
}
