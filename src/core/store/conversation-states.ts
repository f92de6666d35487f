import type { ActionRecord, ConversationState } from '../conversation-states.js';

/**
 * The conversation as agents run it from its card (issue 12): its state, and the audit of every
 * card action. Each store keeps it; test/store/contract/conversation-states.ts says how.
 */
export interface ConversationStates {
  get(chatId: string): Promise<ConversationState | undefined>;
  /** Replaces the conversation's state whole (an owner or deleted request absent from it is cleared), except its card message. */
  save(state: ConversationState): Promise<void>;
  /** Records the card this app drew in the conversation's thread (ConversationState.cardMessageTs). */
  setCardMessage(chatId: string, ts: string): Promise<void>;
  /**
   * Keeps the action once per key, even when two calls race; answers the record kept (the first
   * one, on a repeat), so Slack's retries and a job run twice are one action.
   */
  record(action: ActionRecord): Promise<{ record: ActionRecord; first: boolean }>;
  /** The conversation's actions, oldest first (in the order they were first recorded). */
  actions(chatId: string): Promise<ActionRecord[]>;
}
