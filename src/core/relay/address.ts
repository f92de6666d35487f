import type { ContactRecord } from '../ports.js';
import { localChatId } from '../routes.js';

/**
 * Where a reply to the contact goes. A Cloud API person is written to at their current number
 * (Meta recommends the number whenever it is known, and after a number change the conversation
 * key is still the old one), else at their BSUID; a group, and any WhatsApp Web chat, at the chat
 * (as the route's transport calls it).
 */
export function replyAddress(contact: ContactRecord): string {
  if (contact.transport !== 'cloud' || contact.isGroup) return localChatId(contact);
  return contact.phone || contact.bsuid || localChatId(contact);
}
