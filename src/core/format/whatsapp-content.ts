import type { Content, ContactsContent, LocationContent, MediaContent, SharedContact } from '../model.js';
import { describeCallPermission, describeFlow, describeNotPassedOn, describeOrder } from './commerce-content.js';
import { messages, type Locale, type Messages } from './i18n.js';
import { phoneDigits, waMeLink } from './phone.js';
import { escapeMrkdwn, whatsappToMrkdwn } from './whatsapp-to-mrkdwn.js';

/**
 * mrkdwn for any inbound content, in the bridge's locale. Every string that came from
 * WhatsApp (bodies, captions, names, addresses, titles, emoji, reasons) goes through
 * escapeMrkdwn / whatsappToMrkdwn; only the bridge's own labels and the links it builds from
 * numbers are written raw. Formatting marks wrap the bridge's labels only, never WhatsApp
 * text, so a stray `*` or `_` in a name cannot unbalance them.
 */
export function describeContent(content: Content, locale: Locale): string {
  const m = messages(locale);
  switch (content.kind) {
    case 'text':
      return whatsappToMrkdwn(content.body);
    case 'media':
      return describeMedia(content, m);
    case 'location':
      return describeLocation(content, m);
    case 'contacts':
      return describeContacts(content, m);
    case 'interactive': {
      const label = { button: m.buttonReply, list: m.listReply, quick_reply: m.quickReply }[content.replyKind];
      const head = `*${label}:* ${escapeMrkdwn(content.title)}`;
      return content.description ? `${head}\n${escapeMrkdwn(content.description)}` : head;
    }
    case 'reaction':
      // A phrase to follow the sender's name: "Maria reacted ❤️ to a message".
      return content.emoji === '' ? `_${m.reactionRemoved}_` : `_${m.reacted({ emoji: escapeMrkdwn(content.emoji) })}_`;
    case 'unsupported': {
      const reason = content.reason?.trim();
      if (content.malformed) {
        const field = content.malformed.field?.trim();
        return `:warning: ${m.unreadableMessage({ ...(reason ? { type: escapeMrkdwn(reason) } : {}), ...(field ? { field: `\`${escapeMrkdwn(field)}\`` } : {}) })}`;
      }
      if (content.unknownKind) return `:grey_question: ${m.unknownType(reason ? { type: escapeMrkdwn(reason) } : {})}`;
      if (content.error) return describeNotPassedOn(content, m);
      return `:warning: ${m.unsupportedMessage(reason ? { type: escapeMrkdwn(reason) } : {})}`;
    }
    case 'system':
      return `:information_source: *${m.systemMessage}:* ${content.change === 'user_id' ? m.userIdChanged : escapeMrkdwn(content.description)}`;
    case 'order':
      return describeOrder(content, locale);
    case 'flow_reply':
      return describeFlow(content, locale);
    case 'call_permission':
      return describeCallPermission(content, locale);
    case 'edit':
      // The new version; where it stands (in place of the old one, or after it) is the relay's choice.
      return describeContent(content.content, locale);
    case 'revoke':
      return `:wastebasket: _${m.deletedUnknown({ fromPhone: false })}_`;
    case 'welcome_request':
      return `:wave: _${m.welcomeRequest}_`;
    case 'preference':
      return `${content.value === 'stop' ? ':no_bell:' : ':bell:'} ${m.preferenceChanged({ category: escapeMrkdwn(content.category), value: escapeMrkdwn(content.value) })}`;
  }
}

function describeMedia(content: MediaContent, m: Messages): string {
  const fileName = content.fileName?.trim();
  const head = `*${m.mediaKind(content.mediaKind)}*${fileName ? `: ${escapeMrkdwn(fileName)}` : ''}`;
  const caption = content.caption?.trim();
  return caption ? `${head}\n${whatsappToMrkdwn(caption)}` : head;
}

function describeLocation(content: LocationContent, m: Messages): string {
  const name = content.name?.trim();
  const lines = [`:round_pushpin: *${m.location}*${name ? `: ${escapeMrkdwn(name)}` : ''}`];
  const address = content.address?.trim();
  if (address) lines.push(escapeMrkdwn(address));
  const url = content.url?.trim();
  if (url) lines.push(escapeMrkdwn(url));
  const map = mapUrl(content.latitude, content.longitude);
  if (map) lines.push(`<${escapeMrkdwn(map)}|${m.openMap}>`);
  return lines.join('\n');
}

/**
 * Google Maps "search" URL for a point (https://developers.google.com/maps/documentation/urls),
 * or undefined for coordinates that are not on Earth. Fixed-point digits, never "1e-7".
 */
export function mapUrl(latitude: number, longitude: number): string | undefined {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  return `https://www.google.com/maps/search/?api=1&query=${coordinate(latitude)},${coordinate(longitude)}`;
}

function coordinate(value: number): string {
  const fixed = value.toFixed(6).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

function describeContacts(content: ContactsContent, m: Messages): string {
  const lines = [`:bust_in_silhouette: *${m.sharedContacts({ count: content.contacts.length })}*`];
  for (const contact of content.contacts) lines.push(...describeContact(contact, m));
  return lines.join('\n');
}

function describeContact(contact: SharedContact, m: Messages): string[] {
  const lines = [`• ${escapeMrkdwn(contact.name.trim() || m.unknownName)}`];
  for (const p of contact.phones) {
    let line = `    ${m.phone}: ${escapeMrkdwn(p.phone)}`;
    if (p.type) line += ` (${escapeMrkdwn(p.type)})`;
    // The link is built from digits only, so nothing from the vCard reaches the URL.
    if (p.waId && phoneDigits(p.waId) !== '') line += ` <${waMeLink(p.waId)}|WhatsApp>`;
    lines.push(line);
  }
  for (const email of contact.emails ?? []) lines.push(`    ${m.email}: ${escapeMrkdwn(email)}`);
  if (contact.org?.trim()) lines.push(`    ${m.organization}: ${escapeMrkdwn(contact.org.trim())}`);
  if (contact.title?.trim()) lines.push(`    ${m.jobTitle}: ${escapeMrkdwn(contact.title.trim())}`);
  for (const address of contact.addresses ?? []) lines.push(`    ${m.address}: ${escapeMrkdwn(address)}`);
  for (const url of contact.urls ?? []) lines.push(`    ${m.website}: ${escapeMrkdwn(url)}`);
  if (contact.birthday?.trim()) lines.push(`    ${m.birthday}: ${escapeMrkdwn(contact.birthday.trim())}`);
  return lines;
}
