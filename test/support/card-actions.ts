import { createHmac } from 'node:crypto';
import type { CardAction } from '../../src/core/conversation-states.js';
import { CARD_ACTION_IDS } from '../../src/core/relay/card-controls.js';
import { CHANNEL, JIRA_SECRET, type Harness } from './harness.js';
import { AGENT } from './slack-events.js';
import { modal, typed, values, viewSubmission } from './slack-interactions.js';

/** Agents of the fake workspace; e-mails on the reserved example domain. */
export const ANA = { id: AGENT, name: 'ana', realName: 'Ana Souza', displayName: 'Ana Souza', email: 'ana.souza@clinic.example.com' };
export const BRUNO = { id: 'U0AGENT002', name: 'bruno', realName: 'Bruno Lima', displayName: 'Bruno Lima', email: 'bruno.lima@clinic.example.com' };

let clicks = 0;

/**
 * A block_actions payload for a button on the contact card itself (a top-level message: no thread_ts in
 * its container), in the shape of docs.slack.dev/reference/interaction-payloads/block_actions-payload.
 * Each call is a new click (its own action_ts); pass the same `actionTs` to replay one click.
 */
export function cardClickPayload(opts: { cardTs: string; action: CardAction; user?: string; value?: string; actionTs?: string; triggerId?: string; channel?: string }) {
  const actionTs = opts.actionTs ?? `${Math.floor(Date.now() / 1000)}.${String(++clicks).padStart(6, '0')}`;
  return {
    type: 'block_actions',
    team: { id: 'T0FAKETEAM', domain: 'fake-workspace' },
    user: { id: opts.user ?? AGENT, username: 'ana', team_id: 'T0FAKETEAM' },
    api_app_id: 'A123ABC456',
    token: 'XXYYZZ',
    container: { type: 'message', message_ts: opts.cardTs, channel_id: opts.channel ?? CHANNEL, is_ephemeral: false },
    trigger_id: opts.triggerId ?? '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
    channel: { id: opts.channel ?? CHANNEL, name: 'support' },
    message: { type: 'message', ts: opts.cardTs, text: 'card', bot_id: 'B0FAKEBOT1' },
    actions: [{ action_id: CARD_ACTION_IDS[opts.action], block_id: 'card-actions', value: opts.value ?? '', type: 'button', action_ts: actionTs }],
  };
}

export const cardClick = (opts: Parameters<typeof cardClickPayload>[0]) => `payload=${encodeURIComponent(JSON.stringify(cardClickPayload(opts)))}`;

export const RESOLVE_MODAL = 'switchboard_resolve_modal';

/**
 * Presses a card button over the Events API (signed, form-encoded) and checks it was acknowledged.
 * Resolve opens its modal (with a trigger the fake Slack accepts), which is then submitted as it
 * opened: with `closing` typed in it, or empty.
 */
export async function press(h: Harness, cardTs: string, action: CardAction, opts: { user?: string; actionTs?: string; retryNum?: number; closing?: string } = {}) {
  const { closing, ...click } = opts;
  const triggerId = action === 'resolve' ? h.slack.issueTrigger() : undefined;
  const res = await h.slackEvent(null, { form: cardClick({ cardTs, action, ...click, ...(triggerId ? { triggerId } : {}) }), retryNum: opts.retryNum });
  if (res.status !== 200) throw new Error(`Slack interaction answered ${res.status}`);
  if (action !== 'resolve') return;
  const opened = modal(h.slack, RESOLVE_MODAL);
  const submitted = await h.slackEvent(undefined, { form: viewSubmission(h.slack, opened, closing === undefined ? {} : values({ closing: typed(closing) }), opts.user) });
  if (submitted.status !== 200 || (await submitted.text()) !== '') throw new Error('the Resolve modal’s submission was not taken');
}

export const cardOf = (h: Harness) => {
  const card = h.slack.topLevel(CHANNEL)[0];
  if (!card) throw new Error('no contact card yet');
  return h.slack.state.messages.find((m) => m.ts === card.ts)!;
};
export const cardBlocks = (h: Harness) => JSON.stringify(cardOf(h).blocks);
/** The action_ids of the card's buttons, in order. */
export const cardButtons = (h: Harness) => [...cardBlocks(h).matchAll(/"action_id":"(switchboard_[a-z_]+)"/g)].map((x) => x[1]);
export const threadTexts = (h: Harness) => h.slack.threadReplies(CHANNEL, cardOf(h).ts).map((m) => m.text ?? '');

export async function chatIdOf(h: Harness): Promise<string> {
  const contact = await h.app.store.contacts.findByCard(CHANNEL, cardOf(h).ts);
  if (!contact) throw new Error('no contact for the card');
  return contact.chatId;
}

/** The audit as stored (who, what, when, whether it changed anything). */
export async function auditOf(h: Harness) {
  return h.app.store.conversationStates.actions(await chatIdOf(h));
}

const signJira = (raw: string) => `sha256=${createHmac('sha256', JIRA_SECRET).update(raw).digest('hex')}`;

/** POSTs a Jira admin webhook body signed with X-Hub-Signature, as Jira does. */
export function signedJiraWebhook(h: Harness, body: unknown) {
  const raw = JSON.stringify(body);
  return fetch(`${h.base}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': signJira(raw) }, body: raw });
}

let commentSeq = 30_000;

/**
 * A comment_created (or comment_updated) webhook body in the shape Jira Cloud sends
 * (developer.atlassian.com/cloud/jira/platform/webhooks/; jira.js' CommentWebhookPayload): the comment with
 * its author and JSM's `jsdPublic`, and the issue it is on.
 */
export function commentWebhook(key: string, c: { body: string; isPublic?: boolean; author: { accountId: string; displayName: string; accountType?: string }; id?: string; event?: 'comment_created' | 'comment_updated' }) {
  const id = c.id ?? String(++commentSeq);
  const author = { accountId: c.author.accountId, accountType: c.author.accountType ?? 'atlassian', displayName: c.author.displayName, active: true };
  return {
    timestamp: Date.now(),
    webhookEvent: c.event ?? 'comment_created',
    comment: {
      self: `https://example.atlassian.net/rest/api/2/issue/10001/comment/${id}`,
      id,
      author,
      body: c.body,
      updateAuthor: author,
      created: new Date().toISOString(),
      updated: new Date().toISOString(),
      jsdPublic: c.isPublic ?? true,
    },
    issue: { id: '10001', self: 'https://example.atlassian.net/rest/api/2/issue/10001', key, fields: { summary: 'WhatsApp conversation' } },
  };
}

/** A jira:issue_deleted webhook body: the issue as it was. */
export function issueDeleted(key: string) {
  return {
    timestamp: Date.now(),
    webhookEvent: 'jira:issue_deleted',
    issue: { id: '10001', key, fields: { status: { name: 'Waiting for support', statusCategory: { key: 'new' } } } },
  };
}
