import { messages, type Locale } from '../format/i18n.js';
import { formatInternational, waMeLink } from '../format/phone.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { ContactRecord, SlackBlock } from '../ports.js';
import type { ConversationState } from '../conversation-states.js';
import { cardControls } from './card-controls.js';

/** What the card shows about the contact's ticket; filled in by the Jira work. */
export interface CardTicket {
  key: string;
  url: string;
  status: string;
  /** One line per SLA, already in words ("First response: 2 h left"). */
  slaLines?: string[];
  /** Jira deleted the request: the card says so until the next one is raised. */
  deleted?: boolean;
}

const HEADER_MAX = 150;

/** `@handle`, however WhatsApp spelled it. */
export function usernameHandle(username: string | undefined): string | undefined {
  const bare = username?.trim().replace(/^@+/, '');
  return bare ? `@${bare}` : undefined;
}

/** The person's name as people see it: their profile name, else their username; never their BSUID. */
export function contactName(contact: ContactRecord, locale: Locale): string {
  return contact.name?.trim() || usernameHandle(contact.username) || messages(locale).unknownName;
}

/**
 * How the person is reached, in words for people (card, Jira): the number, else the username with
 * the number withheld. The BSUID is an address for machines and is never shown.
 */
export function contactReach(contact: ContactRecord, locale: Locale): string {
  if (contact.isGroup) return contact.chatId;
  if (contact.phone) return formatInternational(contact.phone);
  const m = messages(locale);
  const handle = usernameHandle(contact.username);
  return handle ? `${handle} (${m.phoneWithheld})` : m.phoneWithheld;
}

/** The contact card: one top-level message per contact; its thread holds the conversation. */
export function contactCard(
  contact: ContactRecord,
  locale: Locale,
  ticket?: CardTicket,
  notes: readonly string[] = [],
  conversation?: ConversationState,
  opts: { resolvePrefix?: string; numberLabel?: string } = {},
): { text: string; blocks: SlackBlock[] } {
  const m = messages(locale);
  const name = contactName(contact, locale);
  const handle = usernameHandle(contact.username);
  const phoneLink = contact.isGroup
    ? escapeMrkdwn(contact.chatId)
    : contact.phone
      ? `<${waMeLink(contact.phone)}|${formatInternational(contact.phone)}>`
      : `_${m.phoneWithheld}_`;
  // The Cloud API has no profile photos: without one, the header carries a default avatar.
  const title = contact.isGroup ? `👥 ${name}` : contact.photoUrl ? name : `👤 ${name}`;
  const identityLines = [`*${m.phone}:* ${phoneLink}`, ...(handle && !contact.isGroup ? [`*${m.username}:* ${escapeMrkdwn(handle)}`] : [])];

  const identity: SlackBlock = {
    type: 'section',
    block_id: 'contact',
    text: { type: 'mrkdwn', text: identityLines.join('\n') },
    ...(contact.photoUrl
      ? { accessory: { type: 'image', image_url: contact.photoUrl, alt_text: name.slice(0, 2000) } }
      : {}),
  };
  const fields: Array<{ type: 'mrkdwn'; text: string }> = [
    { type: 'mrkdwn', text: `*${m.whatsappNumber}*\n${numberLine(contact.businessNumber, opts.numberLabel)}` },
    {
      type: 'mrkdwn',
      text: `*${m.ticket}*\n${ticket ? ticketLine(ticket, m) : m.noTicketYet}`,
    },
    { type: 'mrkdwn', text: `*${m.sla}*\n${ticket?.slaLines?.length ? ticket.slaLines.map(escapeMrkdwn).join('\n') : '—'}` },
  ];

  const blocks: SlackBlock[] = [
    { type: 'header', block_id: 'name', text: { type: 'plain_text', text: truncate(title, HEADER_MAX), emoji: true } },
    identity,
    { type: 'section', block_id: 'state', fields },
    // Lines other features keep on the card (e.g. who started the conversation from Slack).
    ...(notes.length > 0 ? [{ type: 'context', block_id: 'notes', elements: notes.slice(0, 10).map((text) => ({ type: 'mrkdwn', text })) }] : []),
    ...cardControls(conversation ?? { chatId: contact.chatId, status: 'open', updatedAt: 0 }, locale, opts.resolvePrefix),
  ];
  // Fallback text: notifications and search show it, and CONTRACT says it carries name and phone.
  const text = `${escapeMrkdwn(name)} · ${escapeMrkdwn(contactReach(contact, locale))}`;
  return { text, blocks };
}

/** The number written to, after its route's label when there are several routes (`Sales · +1 555…`). */
function numberLine(number: string | undefined, label: string | undefined): string {
  const parts = [label ? escapeMrkdwn(label) : undefined, number ? formatInternational(number) : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : '—';
}

function ticketLine(ticket: CardTicket, m: ReturnType<typeof messages>): string {
  const key = escapeMrkdwn(ticket.key);
  return ticket.deleted ? `~${key}~ · ${m.ticketDeletedInJira}` : `<${ticket.url}|${key}> · ${escapeMrkdwn(ticket.status)}`;
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
