import type { ContactStore } from '../core/ports.js';
import { describeStoreError } from '../store/errors.js';

/** A document of WhatsAppInSlack's MongoDB `userThreads` collection. */
export interface UserThreadDoc {
  userId?: unknown;
  thread_ts?: unknown;
}

export interface ImportReport {
  imported: number;
  /** Already had a card (an earlier import, or Switchboard made one): left as it was. */
  kept: number;
  /** Malformed documents, with why, so nothing is skipped silently. */
  rejected: Array<{ userId: string; reason: string }>;
}

const PERSON = /^(\d{6,15})@c\.us$/;
const GROUP = /^[\d-]+@g\.us$/;
const TS = /^\d{9,11}\.\d{6}$/;

/**
 * Turns the earlier tool's thread map into contacts with cards, so existing conversations keep
 * their Slack threads. Idempotent: running it twice imports nothing new.
 */
export async function importUserThreads(
  docs: AsyncIterable<UserThreadDoc>,
  deps: {
    contacts: ContactStore;
    channel: string;
    now?: () => number;
    /** Called every `progressEvery` documents (default 500), so a long import shows it is moving. */
    onProgress?: (report: ImportReport, seen: number) => void;
    progressEvery?: number;
  },
): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, kept: 0, rejected: [] };
  const every = deps.progressEvery ?? 500;
  let seen = 0;
  for await (const doc of docs) {
    // Before the next document, so the figures are those of the `seen` done so far.
    if (seen > 0 && seen % every === 0) deps.onProgress?.(report, seen);
    seen += 1;
    const userId = typeof doc.userId === 'string' ? doc.userId.trim() : '';
    const threadTs = typeof doc.thread_ts === 'string' ? doc.thread_ts.trim() : '';
    const person = PERSON.exec(userId);
    const isGroup = GROUP.test(userId);
    if (!person && !isGroup) {
      report.rejected.push({ userId: userId || String(doc.userId), reason: 'userId is neither <number>@c.us nor <group>@g.us' });
      continue;
    }
    if (!TS.test(threadTs)) {
      report.rejected.push({ userId, reason: 'thread_ts is not a Slack message ts' });
      continue;
    }
    // The same keys the WhatsApp Web transport uses: digits for a person, the group's jid for a group.
    const chatId = person ? person[1]! : userId;
    const existing = await deps.contacts.get(chatId);
    if (existing?.cardTs) {
      report.kept += 1;
      continue;
    }
    await deps.contacts.upsert({ chatId, transport: 'web', waId: chatId, phone: person ? person[1]! : '', isGroup });
    try {
      await deps.contacts.setCard(chatId, deps.channel, threadTs);
    } catch (err) {
      // Every store refuses a second contact on one card (two documents, one thread); a store that is away is not the document's fault.
      if (describeStoreError(err)?.transient) throw err;
      report.rejected.push({ userId, reason: 'thread_ts is already the card of another contact' });
      continue;
    }
    report.imported += 1;
  }
  return report;
}
