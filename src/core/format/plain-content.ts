import type { Content } from '../model.js';
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
      if (content.malformed) return `[${m.unreadableMessage({ type: content.reason, field: content.malformed.field })}]`;
      return `[${m.unsupportedMessage(content.reason ? { type: content.reason } : {})}]`;
    case 'system':
      return `[${m.systemMessage}] ${content.change === 'user_id' ? m.userIdChanged : content.description}`;
  }
}
