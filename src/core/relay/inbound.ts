import { describeReferral } from '../format/commerce-content.js';
import { messages, type Locale } from '../format/i18n.js';
import { formatDateTime } from '../format/locale-format.js';
import { planSlackMessages } from '../format/split.js';
import { describeContent } from '../format/whatsapp-content.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { InboundMessage, PersonIds, ReactionContent } from '../model.js';
import type { ChatSurface, ContactRecord, ContactStore, EffectLog, InboundMedia, MessageMap, PostAs, PostMessage, SlackBlock } from '../ports.js';
import { contactName, type CardTicket } from './card.js';
import type { ConversationStates } from '../store/conversation-states.js';
import { renderCard, showCard } from './card-view.js';
import type { Notices } from './notices.js';
import { relayEdit, relayRevoke } from './inbound-changes.js';
import { relayMedia } from './inbound-media.js';

/** What a transport told us about the sender alongside a message. */
export interface InboundContactInfo {
  waId: string;
  name?: string;
  /** Display number of our line the message came in on. */
  businessNumber: string;
  photoUrl?: string;
  /** The transport says the chat is a group (a group's replies go to the group, and it has no number). */
  isGroup?: boolean;
  /** Cloud API: who the sender is (number, BSUID, username); the conversation is found by them at intake. */
  ids?: PersonIds;
  /** Identifiers WhatsApp reports the person has from now on (a number or user id change): they join this conversation. */
  joins?: PersonIds;
  /** Conversations of this person found apart until this message (two cards): now merged into this one. */
  merged?: string[];
}

export interface InboundEnvelope {
  message: InboundMessage;
  contact: InboundContactInfo;
  /** The route of the number written to (ROUTES_FILE); absent: the implicit single route. */
  route?: string;
}

export interface InboundDeps {
  channel: string;
  locale: Locale;
  mediaMaxBytes: number;
  contacts: ContactStore;
  messages: MessageMap;
  effects: EffectLog;
  chat: ChatSurface;
  media: InboundMedia;
  /** Unicode emoji → Slack reaction name, undefined when Slack has none. */
  reactionName(emoji: string): string | undefined;
  /**
   * Set when this job ran before (a retry or a crashed worker's job): the time of its first
   * attempt. Posts an earlier attempt made but did not record are then looked up, not repeated.
   */
  retrySince?: number;
  /** The ticket block of the card, when a request is open (Jira); kept when the card is edited. */
  cardTicket?(chatId: string): Promise<CardTicket | undefined>;
  /** The conversation's owner, status and buttons, kept when the card is edited. */
  states?: ConversationStates;
  resolvePrefix?: string;
  /** Lines kept on the card whenever it is drawn (mrkdwn), e.g. who started the conversation. */
  cardNotes?(chatId: string): Promise<string[]>;
  /** The label of a conversation's route, shown on the card (CardViewDeps.routeLabel). */
  routeLabel?(route: string | undefined): string | undefined;
  /** The card's own post in a thread adopted from another app (CardViewDeps.notices). */
  notices?: Notices;
}

/** Marks every message the bridge posts for a WhatsApp message (not secret: any app can read it). */
export const MESSAGE_EVENT_TYPE = 'switchboard_whatsapp_message';
export const CARD_EVENT_TYPE = 'switchboard_contact_card';
const MERGE_EVENT_TYPE = 'switchboard_contact_merged';
const EXCERPT_MAX = 200;
const DEFAULT_AVATAR = ':bust_in_silhouette:';

/**
 * Shows one WhatsApp message in the contact's thread, creating the contact card first when
 * needed. Runs inside the contact's queue lane, so one contact's jobs never overlap. Every post
 * is recorded in the effect log under the message id, so a retry skips what was done.
 */
export async function relayInbound(envelope: InboundEnvelope, deps: InboundDeps): Promise<void> {
  const contact = await ensureCard(envelope, deps);
  for (const other of envelope.contact.merged ?? []) await noteMerge(contact, other, deps);
  const { message } = envelope;
  const cardTs = contact.cardTs!;
  switch (message.content.kind) {
    case 'reaction':
      return relayReaction(message, message.content, contact, deps);
    case 'media':
      return relayMedia(message, message.content, contact, deps, threadKit);
    case 'edit':
      return relayEdit(message, message.content, contact, deps, threadKit);
    case 'revoke':
      return relayRevoke(message, message.content, contact, deps, threadKit);
    default:
      return postInThread(message, describeContent(message.content, deps.locale), contact, cardTs, deps);
  }
}

/**
 * Two cards turned out to be one person: each thread says where the other is. New messages come to
 * this one; an agent's reply in the other still reaches the person.
 */
async function noteMerge(contact: ContactRecord, otherChatId: string, deps: InboundDeps): Promise<void> {
  const other = await deps.contacts.get(otherChatId);
  if (!other?.cardTs || !contact.cardTs) return;
  const m = messages(deps.locale);
  const here = { channel: contact.slackChannel ?? deps.channel, ts: contact.cardTs };
  const there = { channel: other.slackChannel ?? deps.channel, ts: other.cardTs };
  const notes = [
    { key: `merge:${otherChatId}:${contact.chatId}:here`, at: here, text: m.mergedHere({ link: await deps.chat.permalink(there.channel, there.ts) }) },
    { key: `merge:${otherChatId}:${contact.chatId}:there`, at: there, text: m.mergedAway({ link: await deps.chat.permalink(here.channel, here.ts) }) },
  ];
  for (const note of notes) {
    await postOnce(note.key, deps, {
      channel: note.at.channel,
      threadTs: note.at.ts,
      text: `:link: ${note.text}`,
      metadata: { eventType: MERGE_EVENT_TYPE, payload: { note: note.key } },
    });
  }
}

/** Creates (once) or refreshes the contact card; the contact row is upserted first. */
export async function ensureCard(envelope: InboundEnvelope, deps: InboundDeps): Promise<ContactRecord> {
  const { message, contact: info } = envelope;
  const before = await deps.contacts.get(message.chatId);
  // A message written on the business phone tells us nothing about the contact (its name is ours);
  // a group's name is the group's subject, whoever wrote.
  const aboutContact = !message.fromPhone;
  // A preference change is the contact's, but not a message: it does not open the 24-hour window.
  const wrote = aboutContact && message.content.kind !== 'preference';
  // A group is addressed by its own id (replies go to the group), and has no phone number.
  const isGroup = info.isGroup === true || message.chatId !== info.waId;
  // Identified by ids, a person's number may be withheld in this message though known from an earlier one
  // (releases before identifiers kept a WhatsApp Web LID where the number goes: not a number).
  const ids = info.ids;
  const known = before?.phone && !before.phone.endsWith('@lid') ? before.phone : '';
  const phone = isGroup ? '' : ids ? (ids.phone ?? known) : info.waId;
  const contact = await deps.contacts.upsert({
    chatId: message.chatId,
    ...(envelope.route ? { route: envelope.route } : {}),
    transport: message.transport,
    waId: isGroup ? message.chatId : info.waId,
    name: aboutContact || isGroup ? info.name : undefined,
    phone,
    username: ids?.username,
    bsuid: ids?.bsuid,
    businessNumber: info.businessNumber || undefined,
    photoUrl: info.photoUrl,
    isGroup,
    lastInboundAt: wrote ? message.timestamp : undefined,
  });
  if (contact.cardTs && contact.slackChannel) {
    // The card shows name, picture, number and username: when one of them changed, it is edited in place.
    const changed =
      before &&
      (before.name !== contact.name || before.photoUrl !== contact.photoUrl || before.phone !== contact.phone || before.username !== contact.username);
    if (changed) {
      const ticket = await deps.cardTicket?.(contact.chatId);
      await showCard({ ...contact, cardTs: contact.cardTs, slackChannel: contact.slackChannel }, ticket, deps);
    }
    return contact;
  }
  const ts = await postOnce(`card:${contact.chatId}`, deps, {
    channel: deps.channel,
    ...(await renderCard(contact, await deps.cardTicket?.(contact.chatId), deps)),
    metadata: { eventType: CARD_EVENT_TYPE, payload: { chat_id: contact.chatId } },
  });
  await deps.contacts.setCard(contact.chatId, deps.channel, ts);
  return { ...contact, slackChannel: deps.channel, cardTs: ts };
}

function authorOf(contact: ContactRecord, envelope: InboundMessage, locale: Locale): PostAs {
  if (envelope.fromPhone) return { username: messages(locale).sentFromPhone, iconEmoji: ':iphone:' };
  const name = contact.isGroup ? envelope.sender.name?.trim() || messages(locale).unknownName : contactName(contact, locale);
  // In a group each post carries its member's picture; the group's own picture is on the card.
  const icon = contact.isGroup ? envelope.sender.photoUrl : contact.photoUrl;
  return icon ? { username: name, iconUrl: icon } : { username: name, iconEmoji: DEFAULT_AVATAR };
}

/** `<!date^…>` renders in each reader's own time zone; the fallback is for clients that cannot. */
function sentAt(epochMs: number, locale: Locale): string {
  const seconds = Math.floor(epochMs / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${formatDateTime(locale, epochMs)}>`;
}

async function replyQuote(message: InboundMessage, deps: InboundDeps): Promise<string | undefined> {
  if (!message.replyTo) return undefined;
  const m = messages(deps.locale);
  const target = await deps.messages.byWaId(message.replyTo.id);
  const quoted = target?.excerpt ?? m.messageNotFound;
  // An edit or a deletion points at the message it changes: quote that as what it was.
  const label = message.edited || message.deleted ? m.previousVersion : m.replyingTo;
  return `> _${label}:_ ${quoted.replace(/\n/g, '\n> ')}`;
}

/** The byline and context of the contact's posts, shared by a new post and an edit in place. */
export interface ThreadKit {
  post(message: InboundMessage, body: string, contact: ContactRecord, cardTs: string, deps: InboundDeps): Promise<void>;
  /** Text and blocks of one part of a message's post: `marks` go in its context line (edited, deleted…). */
  render(message: InboundMessage, sections: string[], deps: InboundDeps, extra?: { marks?: string[]; part?: { index: number; total: number } }): { text: string; blocks: SlackBlock[] };
  byline(message: InboundMessage, contact: ContactRecord, deps: InboundDeps): string;
}

function byline(message: InboundMessage, contact: ContactRecord, deps: InboundDeps): string {
  return deps.chat.canPostAs() ? '' : `*${escapeMrkdwn(authorOf(contact, message, deps.locale).username)}:* `;
}

const render: ThreadKit['render'] = (message, sections, deps, extra = {}) => {
  const m = messages(deps.locale);
  const context = [sentAt(message.timestamp, deps.locale)];
  if (message.fromPhone) context.push(m.sentFromPhone);
  if (message.edited) context.push(`:pencil2: ${m.editedMessage}`);
  if (message.deleted) context.push(`:wastebasket: ${m.deletedMessage}`);
  context.push(...(extra.marks ?? []));
  if (message.frequentlyForwarded) context.push(m.frequentlyForwarded);
  else if (message.forwarded) context.push(m.forwarded);
  if (extra.part && extra.part.total > 1) context.push(m.part(extra.part));
  const blocks: SlackBlock[] = [
    ...sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
  ];
  return { text: sections.join('\n'), blocks };
};

async function postInThread(message: InboundMessage, body: string, contact: ContactRecord, cardTs: string, deps: InboundDeps): Promise<void> {
  const author = authorOf(contact, message, deps.locale);
  const customised = deps.chat.canPostAs();
  const quote = await replyQuote(message, deps);
  // The ad or post the contact came from, below what they wrote.
  const referral = message.referral ? describeReferral(message.referral, deps.locale) : undefined;
  const full = [quote, byline(message, contact, deps) + body, referral].filter(Boolean).join('\n');
  const plan = planSlackMessages(full);
  let firstTs: string | undefined;
  for (const [i, sections] of plan.entries()) {
    const ts = await postOnce(`post:${message.id}:${i}`, deps, () => ({
      channel: contact.slackChannel ?? deps.channel,
      threadTs: cardTs,
      ...render(message, sections, deps, { part: { index: i + 1, total: plan.length } }),
      as: customised ? author : undefined,
      metadata: { eventType: MESSAGE_EVENT_TYPE, payload: { wa_message_id: message.id, part: i + 1 } },
    }));
    firstTs ??= ts;
  }
  await deps.messages.link({
    waMessageId: message.id,
    chatId: contact.chatId,
    direction: 'in',
    slackChannel: contact.slackChannel ?? deps.channel,
    slackTs: firstTs!,
    excerpt: excerpt(body),
  });
}

const threadKit: ThreadKit = { post: postInThread, render, byline };

/**
 * Posts once per key: the effect log answers for attempts that recorded their result; on a retry,
 * Slack itself is asked (by the post's metadata) for one an attempt made before it crashed.
 */
async function postOnce(key: string, deps: InboundDeps, build: PostMessage | (() => PostMessage)): Promise<string> {
  const done = await deps.effects.get(key);
  if (done) return done;
  const message = typeof build === 'function' ? build() : build;
  let ts: string | undefined;
  if (deps.retrySince !== undefined && message.metadata) {
    ts = await deps.chat.findPosted({
      channel: message.channel,
      threadTs: message.threadTs,
      eventType: message.metadata.eventType,
      match: message.metadata.payload as Record<string, string | number>,
      since: deps.retrySince,
    });
  }
  ts ??= (await deps.chat.postMessage(message)).ts;
  await deps.effects.put(key, ts);
  return ts;
}

function excerpt(mrkdwn: string): string {
  const flat = mrkdwn.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= EXCERPT_MAX ? flat : `${chars.slice(0, EXCERPT_MAX - 1).join('')}…`;
}

async function relayReaction(message: InboundMessage, content: ReactionContent, contact: ContactRecord, deps: InboundDeps): Promise<void> {
  const target = await deps.messages.byWaId(content.targetId);
  // One reaction per person per message: the business's own (from the phone) is apart from the contact's.
  const previousKey = `reaction:${message.fromPhone ? 'phone' : contact.chatId}:${content.targetId}`;
  const name = content.emoji ? deps.reactionName(content.emoji) : undefined;
  if (target && (name || content.emoji === '')) {
    // WhatsApp keeps one reaction per person per message: a new one replaces the old.
    const previous = await deps.effects.get(previousKey);
    if (previous && previous !== name) await deps.chat.removeReaction(target.slackChannel, target.slackTs, previous);
    if (name) await deps.chat.addReaction(target.slackChannel, target.slackTs, name);
    await deps.effects.put(previousKey, name ?? '');
    if (name || previous) return;
  }
  // Target unknown (or an emoji Slack lacks): say it in words instead.
  await postInThread(message, describeContent(content, deps.locale), contact, contact.cardTs!, deps);
}
