import type { CardAction, ConversationState } from '../conversation-states.js';
import { messages, type Locale, type Messages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { SlackBlock } from '../ports.js';

/** action_id of each card button; the click comes back as a block_actions payload with it. */
export const CARD_ACTION_IDS: Record<CardAction, string> = {
  claim: 'switchboard_claim',
  release: 'switchboard_release',
  waiting: 'switchboard_waiting',
  resolve: 'switchboard_resolve',
  reopen: 'switchboard_reopen',
};

export function cardActionOf(actionId: string): CardAction | undefined {
  return (Object.entries(CARD_ACTION_IDS) as Array<[CardAction, string]>).find(([, id]) => id === actionId)?.[0];
}

export function statusWords(state: ConversationState, m: Messages): string {
  return state.status === 'waiting' ? m.statusWaiting : state.status === 'resolved' ? m.statusResolved : m.statusOpen;
}

function ownerWords(state: ConversationState, m: Messages): string {
  const owner = state.owner;
  if (!owner) return m.nobodyOwns;
  const name = escapeMrkdwn(owner.name);
  switch (owner.jira) {
    case 'assigned':
      return `${name} (${m.assignedInJira})`;
    case 'pending':
      return `${name} (${m.assigningInJira})`;
    case 'no-jira-user':
      return `${name}\n_${m.noJiraUserForAgent({ user: name })}_`;
    case 'no-email':
      return `${name}\n_${m.noEmailForAgent}_`;
    case 'failed':
      return `${name}\n_${m.assignFailedInJira}_`;
    default:
      return name;
  }
}

/**
 * Who owns the conversation, its status, and the buttons that change them. Only the buttons that
 * would change something are shown (a stale card's button still arrives, and is a no-op then).
 */
export function cardControls(state: ConversationState, locale: Locale, resolvePrefix?: string): SlackBlock[] {
  const m = messages(locale);
  const button = (action: CardAction, text: string, style?: 'primary' | 'danger'): SlackBlock => ({
    type: 'button',
    action_id: CARD_ACTION_IDS[action],
    text: { type: 'plain_text', text },
    // Not the chat id: it can be a number or a BSUID, and any app in the channel reads button values. The card's ts says whose it is.
    value: action,
    ...(style ? { style } : {}),
  });
  const buttons: SlackBlock[] = [state.owner ? button('release', m.actionRelease) : button('claim', m.actionClaim, 'primary')];
  if (state.status === 'open') buttons.push(button('waiting', m.actionWaiting));
  if (state.status !== 'resolved') buttons.push(button('resolve', m.actionResolve));
  if (state.status !== 'open') buttons.push(button('reopen', m.actionReopen));
  const blocks: SlackBlock[] = [
    {
      type: 'section',
      block_id: 'conversation',
      fields: [
        { type: 'mrkdwn', text: `*${m.cardOwner}*\n${ownerWords(state, m)}` },
        { type: 'mrkdwn', text: `*${m.cardStatus}*\n${statusWords(state, m)}` },
      ],
    },
    { type: 'actions', block_id: 'card-actions', elements: buttons },
  ];
  if (resolvePrefix && state.status !== 'resolved') {
    blocks.push({ type: 'context', block_id: 'resolve-hint', elements: [{ type: 'mrkdwn', text: m.resolveHint({ prefix: escapeMrkdwn(resolvePrefix) }) }] });
  }
  return blocks;
}
