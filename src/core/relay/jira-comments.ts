import { messages } from '../format/i18n.js';
import { agentPrefix } from '../format/mrkdwn-to-whatsapp.js';
import { splitForWhatsApp } from '../format/split.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { MessageMap } from '../ports.js';
import type { TicketWorkflow } from '../ticket-workflow.js';
import { replyAddress } from './address.js';
import { explainSendFailure } from './notices.js';
import { isBridgeError } from '../errors.js';
import { sendOnce, type TicketDeps } from './tickets.js';

/** A comment written in Jira, as the webhook told it (comment_created / comment_updated). */
export interface JiraComment {
  id: string;
  /** Plain text (wiki markup or ADF flattened by the webhook route). */
  body: string;
  /** `jsdPublic`: shared with the customer. Absent in the payload counts as internal. */
  isPublic: boolean;
  authorAccountId?: string;
  /** `atlassian` (people), `app` (automation, integrations), `customer`. */
  authorType?: string;
  authorName: string;
}

export interface JiraCommentJob {
  key: string;
  event: 'created' | 'updated';
  comment: JiraComment;
}

export interface JiraCommentDeps extends TicketDeps {
  workflow: Pick<TicketWorkflow, 'selfAccountId'>;
  messages: MessageMap;
  signReplies: boolean;
}

const WINDOW_MS = 24 * 60 * 60_000;

/**
 * A person's comment in Jira reaches the conversation: a public one goes to the contact on WhatsApp
 * (like an agent's reply: signed, split, never outside the 24-hour window) and into the thread as
 * "from Jira, by <name>"; an internal one goes into the thread only, marked internal. Comments the
 * bridge wrote itself (the integration account's, i.e. the conversation it copied to Jira) and those
 * of apps (automation) are not people's: nothing is echoed back.
 */
export async function relayJiraComment(job: JiraCommentJob, deps: JiraCommentDeps): Promise<void> {
  const { comment } = job;
  const ticket = await deps.tickets.byKey(job.key);
  if (!ticket || comment.authorType === 'app' || !comment.body.trim()) return;
  if (comment.authorAccountId && comment.authorAccountId === (await deps.workflow.selfAccountId())) return;
  const contact = await deps.contacts.get(ticket.chatId);
  if (!contact?.cardTs || !contact.slackChannel) return;
  const m = messages(deps.locale);
  const where = { channel: contact.slackChannel, threadTs: contact.cardTs };
  const name = escapeMrkdwn(comment.authorName);
  const body = escapeMrkdwn(comment.body.trim());
  const shownKey = `jira-comment:${comment.id}`;

  if (job.event === 'updated' && (await deps.effects.get(`notice:${shownKey}`))) {
    // WhatsApp cannot take an edit back: the thread shows the new text, the contact keeps the first.
    const note = comment.isPublic ? `_${m.jiraCommentEdited}_` : `_${m.internalFromJira({ name })}_`;
    await deps.notices.say(where, `:pencil2: *${m.fromJiraBy({ name })}:* ${note}\n${body}`, `${shownKey}:edit:${hash(comment.body)}`);
    return;
  }
  if (!comment.isPublic) {
    await deps.notices.say(where, `${m.internalFromJira({ name })}\n${body}`, shownKey);
    return;
  }

  await deps.notices.say(where, `:speech_balloon: *${m.fromJiraBy({ name })}:*\n${body}`, shownKey);
  // A customer's own comment (the portal, e-mail) is the contact's side of the conversation: not sent back to them.
  if (comment.authorType === 'customer') return;
  if (deps.sender.capabilities.serviceWindow && (contact.lastInboundAt === undefined || deps.now() - contact.lastInboundAt > WINDOW_MS)) {
    return deps.notices.windowClosed(where, contact.chatId, `jira-window:${comment.id}`);
  }
  const posted = await deps.effects.get(`notice:${shownKey}`);
  const text = (deps.signReplies ? agentPrefix(comment.authorName) : '') + comment.body.trim();
  for (const [i, part] of splitForWhatsApp(text).entries()) {
    const effect = `jira-send:${comment.id}:${i}`;
    try {
      await sendOnce(effect, () => deps.sender.sendText(replyAddress(contact), part, { ref: effect }), deps);
    } catch (err) {
      if (!isBridgeError(err) || err.retryable) throw err;
      return explainSendFailure(err, where, contact.chatId, deps.notices, m, `jira-fail:${comment.id}`);
    }
    const wamid = await deps.effects.get(effect);
    // Delivery receipts show on the thread's copy, as on an agent's reply.
    if (wamid && posted && wamid !== 'sending') {
      await deps.messages.link({ waMessageId: wamid, chatId: contact.chatId, direction: 'out', slackChannel: contact.slackChannel, slackTs: posted, excerpt: comment.body.trim().slice(0, 200) });
    }
  }
}

/** A short, stable tag of an edit's text, so each edit is shown once. */
function hash(text: string): string {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.codePointAt(0)!) | 0;
  return (h >>> 0).toString(36);
}
