import type { Content } from '../model.js';
import { money } from './commerce-content.js';
import { messages, type Locale } from './i18n.js';

/**
 * Inbound content as plain text, for Jira comments: no Slack escaping (Jira shows `&lt;`
 * literally), media and attachments referenced by name.
 */
export function plainContent(content: Content, locale: Locale): string {
  const m = messages(locale);
  switch (content.kind) {
    case 'text':
      return content.body;
    case 'media': {
      const name = content.fileName ?? m.mediaKind(content.mediaKind);
      return [`[${m.jiraAttachment({ name })}]`, content.caption].filter(Boolean).join(' ');
    }
    case 'location':
      return `[${m.location}] ${[content.name, content.address, `${content.latitude},${content.longitude}`].filter(Boolean).join(', ')}`;
    case 'contacts':
      return `[${m.sharedContacts({ count: content.contacts.length })}] ${content.contacts.map((c) => [c.name, ...c.phones.map((p) => p.phone)].join(' ')).join('; ')}`;
    case 'interactive':
      return `[${{ button: m.buttonReply, list: m.listReply, quick_reply: m.quickReply }[content.replyKind]}] ${content.title}`;
    case 'reaction':
      return content.emoji ? m.reacted({ emoji: content.emoji }) : m.reactionRemoved;
    case 'unsupported':
      if (content.unknownKind) return `[${m.unknownType(content.reason ? { type: content.reason } : {})}]`;
      if (content.error) return `[${m.notPassedOn({ what: content.reason ? m.unsupportedKind(content.reason) : undefined })}]`;
      if (content.malformed) return `[${m.unreadableMessage({ type: content.reason, field: content.malformed.field })}]`;
      return `[${m.unsupportedMessage(content.reason ? { type: content.reason } : {})}]`;
    case 'system':
      return `[${m.systemMessage}] ${content.change === 'user_id' ? m.userIdChanged : content.description}`;
    case 'order': {
      const items = content.items.map((i) => `${i.quantity} × ${i.productRetailerId}${i.itemPrice !== undefined ? ` (${money(locale, i.itemPrice, i.currency)} ${m.each})` : ''}`);
      return [`[${m.order}${content.catalogId ? `, ${m.catalogue({ id: content.catalogId })}` : ''}]`, ...items, ...(content.note ? [`${m.note}: ${content.note}`] : [])].join('\n');
    }
    case 'flow_reply':
      return [`[${content.flowName === 'address_message' ? m.addressAnswers : m.flowAnswers}]`, ...content.fields.map((f) => `${f.name}: ${f.value}`), ...(content.unreadable ? [m.flowUnreadable] : [])].join('\n');
    case 'call_permission':
      return `[${m.callPermission({ granted: content.granted, ...(content.permanent ? { permanent: true } : {}) })}]`;
    case 'edit':
      return `[${m.editedMessage}] ${plainContent(content.content, locale)}`;
    case 'revoke':
      return `[${m.deletedEarlier}]`;
    case 'welcome_request':
      return `[${m.welcomeRequest}]`;
    case 'preference':
      return `[${m.preferenceChanged({ category: content.category, value: content.value })}]`;
  }
}
