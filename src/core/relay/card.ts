import { messages, type Locale } from '../format/i18n.js';
import { formatInternational, waMeLink } from '../format/phone.js';
import { escapeMrkdwn } from '../format/whatsapp-to-mrkdwn.js';
import type { ContactRecord, SlackBlock } from '../ports.js';

/** What the card shows about the contact's ticket; filled in by the Jira work. */
export interface CardTicket {
  key: string;
  url: string;
  status: string;
  /** One line per SLA, already in words ("First response: 2 h left"). */
  slaLines?: string[];
}

const HEADER_MAX = 150;

/** The contact card: one top-level message per contact; its thread holds the conversation. */
export function contactCard(contact: ContactRecord, locale: Locale, ticket?: CardTicket): { text: string; blocks: SlackBlock[] } {
  const m = messages(locale);
  const name = contact.name?.trim() || m.unknownName;
  const phone = formatInternational(contact.phone);
  const phoneLink = contact.isGroup ? escapeMrkdwn(contact.chatId) : `<${waMeLink(contact.phone)}|${phone}>`;
  // The Cloud API has no profile photos: without one, the header carries a default avatar.
  const title = contact.isGroup ? `👥 ${name}` : contact.photoUrl ? name : `👤 ${name}`;

  const identity: SlackBlock = {
    type: 'section',
    block_id: 'contact',
    text: { type: 'mrkdwn', text: `*${m.phone}:* ${phoneLink}` },
    ...(contact.photoUrl
      ? { accessory: { type: 'image', image_url: contact.photoUrl, alt_text: name.slice(0, 2000) } }
      : {}),
  };
  const fields: Array<{ type: 'mrkdwn'; text: string }> = [
    { type: 'mrkdwn', text: `*${m.whatsappNumber}*\n${contact.businessNumber ? formatInternational(contact.businessNumber) : '—'}` },
    {
      type: 'mrkdwn',
      text: `*${m.ticket}*\n${ticket ? `<${ticket.url}|${escapeMrkdwn(ticket.key)}> · ${escapeMrkdwn(ticket.status)}` : m.noTicketYet}`,
    },
    { type: 'mrkdwn', text: `*${m.sla}*\n${ticket?.slaLines?.length ? ticket.slaLines.map(escapeMrkdwn).join('\n') : '—'}` },
  ];

  const blocks: SlackBlock[] = [
    { type: 'header', block_id: 'name', text: { type: 'plain_text', text: truncate(title, HEADER_MAX), emoji: true } },
    identity,
    { type: 'section', block_id: 'state', fields },
  ];
  // Fallback text: notifications and search show it, and CONTRACT says it carries name and phone.
  const text = `${escapeMrkdwn(name)} · ${contact.isGroup ? escapeMrkdwn(contact.chatId) : phone}`;
  return { text, blocks };
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
