import { initialState } from '../conversation-states.js';
import { messages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import { isBridgeError } from '../errors.js';
import { explainSendFailure } from './notices.js';
import type { TicketRecord } from '../ports.js';
import { replyAddress } from './address.js';
import { contactOf, refreshCard, sendOnce, type TicketDeps } from './tickets.js';

/** What a webhook (or the bridge's own transition) says about a request. */
export interface RequestChange {
  status: string;
  done: boolean;
  /** Jira deleted the request (jira:issue_deleted). */
  deleted?: boolean;
  /** Jira's time of the event (webhook `timestamp`): a late retry of an older event changes nothing. */
  at?: number;
}

/**
 * Jira says the request changed: the card and the thread follow. A resolved request is closed
 * here; the contact's next message raises a new one in the same thread, unless Jira reopens it
 * first: then the conversation goes on in it. A deleted request is shown as deleted and closed.
 */
export async function applyRequestChange(key: string, change: RequestChange, deps: TicketDeps): Promise<void> {
  const ticket = await deps.tickets.byKey(key);
  if (!ticket) return;
  const orderKey = `jira-change-at:${key}`;
  if (change.at !== undefined && change.at < (Number(await deps.effects.get(orderKey)) || 0)) return;
  if (change.deleted) return requestDeleted(ticket, deps);
  const latest = await deps.tickets.latest(ticket.chatId);
  // A closed request takes no more changes, except a re-run of the one that closed it (while no newer request
  // has taken its place on the card): it finishes what it began; and a reopening, while it is still the latest.
  const resuming = ticket.closedAt !== undefined && change.done && ticket.status === change.status && latest?.key === key;
  const deleted = deps.states ? (await deps.states.get(ticket.chatId))?.deletedRequest === key : false;
  const reopening = ticket.closedAt !== undefined && !change.done && latest?.key === key && !deleted && !(await deps.tickets.open(ticket.chatId));
  if (ticket.closedAt !== undefined && !resuming && !reopening) return;
  const m = messages(deps.locale);
  const contact = await contactOf(ticket.chatId, deps);
  const where = { channel: contact.slackChannel, threadTs: contact.cardTs };
  // Each reopening starts a new round of notices (keyed by the closing it undid, the same on a re-run).
  const cycleKey = `jira-cycle:${key}`;
  if (reopening) await deps.effects.put(cycleKey, String(ticket.closedAt));
  const cycle = await deps.effects.get(cycleKey);
  const round = cycle ? `:${cycle}` : '';
  if (change.status !== ticket.status) {
    await deps.notices.say(where, m.ticketStatusChanged({ key, from: escapeMrkdwn(ticket.status), to: escapeMrkdwn(change.status) }), `ticket-status:${key}:${change.status}:${ticket.status}${round}`);
  }
  if (reopening) await deps.notices.say(where, m.requestReopened({ key }), `ticket-reopened:${key}${round}`);
  const sla = await deps.ticketing.getSla(key).catch(() => ticket.sla);
  const closedAt = change.done ? (ticket.closedAt ?? deps.now()) : undefined;
  const updated: TicketRecord = { ...ticket, status: change.status, done: change.done, sla, closedAt };
  await deps.tickets.save(updated);
  if (change.at !== undefined) await deps.effects.put(orderKey, String(change.at));
  await refreshCard(contact, updated, deps);
  if (!change.done) return;
  // A request reopened and resolved again says so again.
  await deps.notices.say(where, `${m.ticketResolved({ key })}\n────────────────────────\n_${m.newRequestBelow}_`, `ticket-resolved:${key}${round}`);
  const text = deps.resolvedMessage?.trim();
  const lastWrote = contact.lastInboundAt ?? 0;
  // Only inside the 24-hour window on the Cloud API: outside it only templates are allowed.
  if (text && (!deps.sender.capabilities.serviceWindow || deps.now() - lastWrote < 24 * 60 * 60_000)) {
    try {
      await sendOnce(resolvedMessageKey(key), () => deps.sender.sendText(replyAddress(contact), text), deps);
    } catch (err) {
      if (!isBridgeError(err) || err.retryable) throw err;
      await explainSendFailure(err, where, contact.chatId, deps.notices, m, `resolved-message-fail:${key}`);
    }
  }
}

/** JIRA_RESOLVED_MESSAGE goes once per request: marked sent by hand when an agent resolved it with their own closing message. */
export const resolvedMessageKey = (key: string) => `resolved-message:${key}`;

async function requestDeleted(ticket: TicketRecord, deps: TicketDeps): Promise<void> {
  const contact = await contactOf(ticket.chatId, deps);
  const updated: TicketRecord = { ...ticket, closedAt: ticket.closedAt ?? deps.now() };
  await deps.tickets.save(updated);
  if ((await deps.tickets.latest(ticket.chatId))?.key === ticket.key && deps.states) {
    const state = (await deps.states.get(ticket.chatId)) ?? initialState(ticket.chatId, deps.now());
    if (state.deletedRequest !== ticket.key) await deps.states.save({ ...state, status: 'open', deletedRequest: ticket.key, updatedAt: deps.now() });
    await refreshCard(contact, updated, deps);
  }
  await deps.notices.say({ channel: contact.slackChannel, threadTs: contact.cardTs }, messages(deps.locale).requestDeleted({ key: ticket.key }), `ticket-deleted:${ticket.key}`);
}
