import { directoryTerms, type ConversationDirectory } from '../../core/store/directory.js';
import type { TicketStore } from '../../core/ports.js';
import type { MemoryIdentities } from './identities.js';
import type { MemoryContacts } from './repos.js';

/** The console's conversation list over the in-memory records, matching as the SQL one does. */
export function createMemoryDirectory(contacts: MemoryContacts, identities: MemoryIdentities, tickets: TicketStore): ConversationDirectory {
  return {
    async search({ text, limit, offset }) {
      const { words, digits } = directoryTerms(text);
      const has = (v: string | undefined, part: string) => v !== undefined && v.toLowerCase().includes(part);
      const matches = (c: ReturnType<MemoryContacts['all']>[number]) =>
        words === undefined ||
        has(c.name, words) ||
        has(c.username, words) ||
        has(c.chatId, words) ||
        identities.valuesOf(c.chatId).some((v) => has(v, words)) ||
        (digits !== undefined && (c.phone.includes(digits) || c.waId.includes(digits)));
      const activity = (c: { lastInboundAt?: number; updatedAt: number }) => (c.lastInboundAt !== undefined && c.lastInboundAt > c.updatedAt ? c.lastInboundAt : c.updatedAt);
      const page = contacts
        .all()
        .filter(matches)
        .sort((a, b) => activity(b) - activity(a) || (a.chatId < b.chatId ? -1 : a.chatId > b.chatId ? 1 : 0))
        .slice(offset, offset + limit);
      return Promise.all(
        page.map(async (c) => {
          const t = await tickets.latest(c.chatId);
          return {
            chatId: c.chatId,
            name: c.name,
            phone: c.phone || undefined,
            username: c.username,
            isGroup: c.isGroup,
            transport: c.transport,
            slackChannel: c.slackChannel,
            cardTs: c.cardTs,
            ticket: t && { key: t.key, url: t.url, done: t.done },
            lastActivityAt: activity(c),
          };
        }),
      );
    },
  };
}
