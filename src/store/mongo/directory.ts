import { directoryTerms, type ConversationDirectory, type ConversationSummary } from '../../core/store/directory.js';
import type { Collections, ContactDoc } from './collections.js';

/** A case-insensitive "contains" with every regular-expression character of the text taken literally. */
const contains = (text: string) => ({ $regex: text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' });

/**
 * The console's conversation list, matching as the SQL one does: one aggregation for the page of
 * contacts (the identifiers matched first, by one indexed look-up), one query for their requests.
 */
export function createMongoDirectory(cols: Collections): ConversationDirectory {
  return {
    async search({ text, limit, offset }) {
      const { words, digits } = directoryTerms(text);
      let match = {};
      if (words !== undefined) {
        const viaIdentifiers = await cols.identifiers.distinct('chatId', { value: contains(words) });
        match = {
          $or: [
            { name: contains(words) },
            { username: contains(words) },
            { _id: contains(words) },
            { _id: { $in: viaIdentifiers } },
            ...(digits !== undefined ? [{ phone: contains(digits) }, { waId: contains(digits) }] : []),
          ],
        };
      }
      const page = await cols.contacts
        .aggregate<ContactDoc & { lastActivity: number }>(
          [
            { $match: match },
            { $addFields: { lastActivity: { $cond: [{ $gt: [{ $ifNull: ['$lastInboundAt', null] }, '$updatedAt'] }, '$lastInboundAt', '$updatedAt'] } } },
            { $sort: { lastActivity: -1, _id: 1 } },
            { $skip: offset },
            { $limit: limit },
          ],
          { maxTimeMS: 10_000 },
        )
        .toArray();
      const ids = page.map((c) => c._id);
      const tickets = ids.length === 0 ? [] : await cols.tickets.find({ chatId: { $in: ids } }).sort({ createdAt: 1 }).toArray();
      // Oldest first, so the newest request of each conversation is the one left in the map.
      const latest = new Map(tickets.map((t) => [t.chatId, { key: t._id, url: t.url, done: t.done }]));
      return page.map(
        (c): ConversationSummary => ({
          chatId: c._id,
          name: c.name ?? undefined,
          phone: c.phone || undefined,
          username: c.username ?? undefined,
          isGroup: c.isGroup,
          transport: c.transport,
          slackChannel: c.slackChannel ?? undefined,
          cardTs: c.cardTs ?? undefined,
          ticket: latest.get(c._id),
          lastActivityAt: c.lastActivity,
        }),
      );
    },
  };
}
