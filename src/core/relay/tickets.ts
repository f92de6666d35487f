import { BridgeError, isBridgeError, isOutcomeUnknown, OUTCOME_UNKNOWN } from '../errors.js';
import { messages, type Locale, type Messages } from '../format/i18n.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { ChatSurface, CommentBatch, ContactRecord, ContactStore, EffectLog, SlaState, TicketRecord, TicketRef, TicketStore, Ticketing, WhatsAppSender } from '../ports.js';
import { contactName, contactReach, type CardTicket } from './card.js';
import type { Notices } from './notices.js';
import { initialState } from '../conversation-states.js';
import type { ConversationStates } from '../store/conversation-states.js';
import { statusOfRequest } from '../ticket-workflow.js';
import { showCard } from './card-view.js';
import type { JiraActionJob } from './card-actions.js';

export interface TicketDeps {
  locale: Locale;
  ticketing: Ticketing;
  tickets: TicketStore;
  contacts: ContactStore;
  chat: ChatSurface;
  effects: EffectLog;
  notices: Notices;
  /** "WhatsApp · {name} ({phone})": placeholders {name} and {phone}. */
  summaryTemplate: string;
  /** Raise requests on behalf of a customer `<digits>@<domain>`; undefined: as the integration account. */
  customerEmailDomain?: string;
  /** Warn in the thread when an SLA has less than this left. */
  slaWarnMs: number;
  /** Sent to the contact when their request is resolved (empty: nothing is sent). */
  resolvedMessage?: string;
  sender: WhatsAppSender;
  now(): number;
  /** The conversation's status and owner (card actions): it follows the request's status. */
  states?: ConversationStates;
  /** Jira statuses shown as "Waiting for customer" (JIRA_TRANSITION_WAITING). */
  waitingNames?: string[];
  /** RESOLVE_PREFIX, for the card's hint. */
  resolvePrefix?: string;
  /** Queues the Jira side of a card action: a new request of a claimed conversation goes to its owner. */
  queueJiraAction?(job: JiraActionJob): Promise<void>;
  /** Lines kept on the card whenever it is drawn (see InboundDeps.cardNotes). */
  cardNotes?(chatId: string): Promise<string[]>;
  /** The label of a conversation's route, shown on the card (CardViewDeps.routeLabel). */
  routeLabel?(route: string | undefined): string | undefined;
}

export async function contactOf(chatId: string, deps: TicketDeps): Promise<ContactRecord & { cardTs: string; slackChannel: string }> {
  const contact = await deps.contacts.get(chatId);
  if (!contact?.cardTs || !contact.slackChannel) throw new BridgeError('no contact card for this conversation yet', { code: 'no_card_yet', retryable: true });
  return contact as ContactRecord & { cardTs: string; slackChannel: string };
}

/** The card's ticket block: key, status and one line per SLA. */
export function cardTicket(ticket: TicketRecord, locale: Locale): CardTicket {
  const m = messages(locale);
  return { key: ticket.key, url: ticket.url, status: ticket.status, slaLines: ticket.sla.map((s) => `${s.name}: ${slaWords(s, m)}`) };
}

function slaWords(s: SlaState, m: Messages): string {
  if (s.breached) return m.slaBreached;
  if (s.completed) return m.slaMet;
  if (s.paused) return m.slaPaused;
  return s.remainingFriendly ? m.slaRemaining({ time: s.remainingFriendly }) : '—';
}

/** The card after a request changed: the conversation's status follows the request's (unless Jira deleted it). */
export async function refreshCard(contact: ContactRecord & { cardTs: string; slackChannel: string }, ticket: TicketRecord | undefined, deps: TicketDeps) {
  let state = await deps.states?.get(contact.chatId);
  if (deps.states && ticket && state?.deletedRequest !== ticket.key) {
    const status = statusOfRequest(ticket, deps.waitingNames ?? []);
    if (state?.status !== status) {
      state = { ...(state ?? initialState(contact.chatId, deps.now())), status, updatedAt: deps.now() };
      await deps.states.save(state);
    }
  }
  await showCard(contact, ticket ? cardTicket(ticket, deps.locale) : undefined, deps, state);
}

/**
 * Jira's clock and ours differ: a comment or request found again may look this much older than the intent
 * recorded before it was made. What is matched (the exact body of a comment, with the names, times and text of
 * every line; a request's exact summary, not one of ours already) keeps the window from matching another.
 */
export const JIRA_CLOCK_SKEW_MS = 10 * 60_000;

/** Jira's request listing is served by its search index, which lags: an unconfirmed request is looked for this long. */
const CREATE_SETTLE_MS = 10_000;

/** Jira refused the call (or it was held back for a Retry-After): nothing was done, so nothing needs finding later. */
function refused(err: unknown): boolean {
  return isBridgeError(err) && (!err.retryable || err.code === 'rate_limited' || err.retryAfterMs !== undefined);
}

/**
 * Raises the request once: the intent is recorded before the call, and a retry that finds it without a result
 * looks for the request in Jira (for a while, as the listing lags) before raising another.
 */
async function raiseOnce(intentKey: string, input: { summary: string; description: string }, onBehalfOf: string | undefined, deps: TicketDeps): Promise<TicketRef> {
  const intent = Number(await deps.effects.get(intentKey)) || 0;
  if (intent > 0) {
    for (const ref of await deps.ticketing.findRequests({ summary: input.summary, since: intent - JIRA_CLOCK_SKEW_MS })) {
      if (!(await deps.tickets.byKey(ref.key))) return ref;
    }
    if (deps.now() - intent < CREATE_SETTLE_MS) {
      throw new BridgeError('an earlier attempt may have raised this request; looking for it again before raising another', { code: 'jira_create_unconfirmed', retryable: true, retryAfterMs: 3_000 });
    }
  }
  await deps.effects.put(intentKey, String(deps.now()));
  try {
    try {
      return await deps.ticketing.createRequest({ ...input, onBehalfOf });
    } catch (err) {
      // The account may not raise on behalf of customers (or the customer left): raise it as the integration account.
      if (!onBehalfOf || !isBridgeError(err) || err.retryable) throw err;
      return await deps.ticketing.createRequest(input);
    }
  } catch (err) {
    if (refused(err)) await deps.effects.put(intentKey, '0');
    throw err;
  }
}

/**
 * A contact wrote: make sure there is an open request for the conversation. The creation is
 * keyed by the conversation's request count, so a retried job does not raise a second one.
 */
export async function ensureTicket(chatId: string, deps: TicketDeps, firstLine?: string): Promise<TicketRecord> {
  const open = await deps.tickets.open(chatId);
  if (open) return open;
  const m = messages(deps.locale);
  const contact = await contactOf(chatId, deps);
  const generation = await deps.tickets.count(chatId);
  const effectKey = `jira:create:${chatId}:${generation}`;
  let key = await deps.effects.get(effectKey);
  let ref;
  if (key) {
    ref = await deps.ticketing.getRequest(key);
  } else {
    const name = contactName(contact, deps.locale);
    // What is known: the number, else the username (the BSUID is never shown to people).
    const phone = contactReach(contact, deps.locale);
    // A customer is keyed by their number; without one the request is raised as the integration account.
    const onBehalfOf =
      deps.customerEmailDomain && !contact.isGroup && contact.phone
        ? await deps.ticketing.customerFor({ email: `${contact.phone}@${deps.customerEmailDomain}`, displayName: name })
        : undefined;
    const link = await deps.chat.permalink(contact.slackChannel, contact.cardTs);
    const request = {
      summary: deps.summaryTemplate.replaceAll('{name}', name).replaceAll('{phone}', phone).slice(0, 255),
      description: [m.jiraDescription({ name, phone, link }), firstLine].filter(Boolean).join('\n\n'),
    };
    ref = await raiseOnce(`${effectKey}:intent`, request, onBehalfOf, deps);
    key = ref.key;
    await deps.effects.put(effectKey, key);
  }
  const sla = await deps.ticketing.getSla(ref.key).catch(() => []);
  const ticket: TicketRecord = { ...ref, chatId, sla, slaWarned: [] };
  await deps.tickets.save(ticket);
  await assignToOwner(chatId, ref.key, deps);
  await refreshCard(contact, ticket, deps);
  await deps.notices.say({ channel: contact.slackChannel, threadTs: contact.cardTs }, m.ticketOpened({ key: ref.key, url: ref.url }), `ticket-opened:${ref.key}`);
  return ticket;
}

/** The conversation is claimed: its new request is assigned to the owner as their claim was (once per request). */
async function assignToOwner(chatId: string, key: string, deps: TicketDeps): Promise<void> {
  const state = await deps.states?.get(chatId);
  if (!state?.owner || !deps.queueJiraAction || !deps.states) return;
  if (state.owner.jira !== 'pending') await deps.states.save({ ...state, owner: { ...state.owner, jira: 'pending' }, updatedAt: deps.now() });
  await deps.queueJiraAction({ chatId, key: `raised:${key}`, action: 'claim', userId: state.owner.userId, name: state.owner.name });
}

/**
 * Posts a recorded batch once: when an earlier attempt may have posted it (intent without result),
 * the comment is looked up in Jira first.
 */
async function postBatch(batch: CommentBatch, deps: TicketDeps, retry: boolean): Promise<void> {
  const found = retry ? await deps.ticketing.findComment(batch.ticketKey, { body: batch.body, isPublic: batch.isPublic, since: batch.createdAt - JIRA_CLOCK_SKEW_MS }) : undefined;
  let comment = found;
  try {
    comment ??= await deps.ticketing.addComment(batch.ticketKey, batch.body, batch.isPublic);
  } catch (err) {
    // Refused before Jira did anything: the lines wait for the next flush, which needs no look-up.
    if (refused(err)) await deps.tickets.abandonBatch(batch.id);
    // The request is gone (deleted in Jira): its lines wait for the next request instead of failing for ever.
    if (isBridgeError(err) && err.code === 'jira_not_found') return;
    throw err;
  }
  await deps.tickets.finishBatch(batch.id, comment.id);
}

/** Posts the conversation's pending lines as one comment per visibility: batched, not one call per message. */
export async function flushComments(chatId: string, deps: TicketDeps): Promise<void> {
  // First what an earlier attempt started: it may or may not have reached Jira.
  for (const batch of await deps.tickets.unfinishedBatches(chatId)) await postBatch(batch, deps, true);
  const pending = await deps.tickets.pendingComments(chatId);
  if (pending.length === 0) return;
  // Lines written after a request was resolved (an agent's thanks) belong to that request.
  const open = await deps.tickets.open(chatId);
  const ticket = open ?? (await deps.tickets.latest(chatId));
  if (!ticket) return;
  // A request Jira deleted takes no more lines: they wait for the next one.
  if (!open && (await deps.states?.get(chatId))?.deletedRequest === ticket.key) return;
  for (const isPublic of [true, false]) {
    const lines = pending.filter((c) => c.isPublic === isPublic);
    if (lines.length === 0) continue;
    const body = lines.map((c) => c.body).join('\n\n');
    const batch = await deps.tickets.startBatch(chatId, { ticketKey: ticket.key, isPublic, body, lineIds: lines.map((c) => c.id) });
    await postBatch(batch, deps, false);
  }
}

/** Re-reads the SLAs, updates the card when they changed, and warns once per SLA near its breach. */
export async function refreshSla(chatId: string, deps: TicketDeps): Promise<void> {
  const ticket = await deps.tickets.open(chatId);
  if (!ticket) return;
  const m = messages(deps.locale);
  const sla = await deps.ticketing.getSla(ticket.key);
  const contact = await contactOf(chatId, deps);
  const warned = new Set(ticket.slaWarned);
  for (const s of sla) {
    const near = !s.breached && !s.paused && !s.completed && s.remainingMs !== undefined && s.remainingMs <= deps.slaWarnMs;
    if (near && !warned.has(s.name)) {
      await deps.notices.say(
        { channel: contact.slackChannel, threadTs: contact.cardTs },
        m.slaWarning({ name: escapeMrkdwn(s.name), key: ticket.key, time: escapeMrkdwn(s.remainingFriendly ?? '') }),
        `sla-warning:${ticket.key}:${s.name}`,
      );
      warned.add(s.name);
    }
  }
  const changed = JSON.stringify(sla) !== JSON.stringify(ticket.sla);
  const updated = { ...ticket, sla, slaWarned: [...warned] };
  await deps.tickets.save(updated);
  if (changed) await refreshCard(contact, updated, deps);
}

const SENDING = 'sending';

/**
 * At most once: the intent is recorded before the send. WhatsApp has nothing to look a message up by, so a retry
 * that finds the intent without a result cannot tell whether it went out: it does not send again, and fails as an
 * outcome-unknown send (the caller says so in the thread). A send that failed without leaving (WhatsApp refused it,
 * or never had it: not connected, rate-limited) clears the intent, so that a retry sends it.
 */
export async function sendOnce(effect: string, send: () => Promise<{ id: string }>, deps: Pick<TicketDeps, 'effects'>): Promise<void> {
  const done = await deps.effects.get(effect);
  if (done === SENDING) {
    throw new BridgeError('an earlier attempt stopped before WhatsApp answered: it may or may not have the message', { code: OUTCOME_UNKNOWN, retryable: false });
  }
  if (done) return;
  await deps.effects.put(effect, SENDING);
  let sent: { id: string };
  try {
    sent = await send();
  } catch (err) {
    if (!isOutcomeUnknown(err)) await deps.effects.put(effect, '');
    throw err;
  }
  await deps.effects.put(effect, sent.id);
}
