/**
 * How a person is found: each identifier (number, BSUID, parent BSUID, LID, username) belongs to
 * one conversation. The primitives below are each an idempotent upsert or read on one identifier
 * at a time (or a set-based update a retry can repeat), so a store without multi-document
 * transactions can still run intake: an intake that fails half-way and is retried by its sender
 * converges on the same state. The resolution rules themselves are store-independent
 * (src/core/conversation-identity.ts).
 */

export type IdentifierKind = 'phone' | 'bsuid' | 'parent_bsuid' | 'username' | 'lid';

export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

export interface KnownIdentifier extends Identifier {
  chatId: string;
}

export interface IdentityStore {
  /** Those of these identifiers that are known, with their conversation. */
  lookup(ids: readonly Identifier[]): Promise<KnownIdentifier[]>;
  /**
   * Each identifier not yet known joins `chatId`; one that already belongs to a conversation stays
   * where it is (losing a race to a concurrent intake is not an error). Not for usernames.
   */
  claim(chatId: string, ids: readonly Identifier[], now: number): Promise<void>;
  /** The username now leads to `chatId` (taken from whoever had it), and `chatId`'s other usernames go. */
  setUsername(chatId: string, username: string, now: number): Promise<void>;
  /** Every identifier of the `from` conversations except usernames now leads to `to` (a merge). */
  reassign(from: readonly string[], to: string): Promise<void>;
  /** When each conversation's contact was first recorded; conversations without a contact are absent. */
  firstSeen(chatIds: readonly string[]): Promise<Map<string, number>>;
}
