import type { Store } from '../core/store/store.js';
import type { Logger } from '../logger.js';
import type { MongoStore } from '../store/mongo/index.js';
import { importUserThreads, type ImportReport } from './user-threads.js';

/**
 * Coming from WhatsAppInSlack with its own MongoDB: at the first start on that database, each
 * contact in its `userThreads` keeps its Slack thread (a contact with that card), so the next
 * message of a known contact lands in its old thread rather than on a new card. The old
 * collections are only read. Runs before the worker starts, once: the adoption is remembered in
 * Switchboard's own collection; a start that cannot finish it (Slack away) tries again next time.
 */
export async function adoptUserThreads(
  store: Store,
  deps: { channel: () => Promise<string>; logger: Logger; now?: () => number },
): Promise<ImportReport | undefined> {
  if (store.kind !== 'mongodb' || !('legacy' in store)) return undefined;
  const { legacy } = store as MongoStore;
  if (await legacy.adopted()) return undefined;
  const source = await legacy.find();
  if (!source) return undefined;
  const channel = await deps.channel();
  deps.logger.info({ database: source.database, threads: source.count }, 'adopting WhatsAppInSlack userThreads');
  const report = await importUserThreads(source.docs, {
    contacts: store.contacts,
    channel,
    onProgress: (r, seen) => deps.logger.info({ seen, of: source.count, imported: r.imported }, 'adopting WhatsAppInSlack userThreads'),
  });
  await legacy.markAdopted({ database: source.database, imported: report.imported, kept: report.kept, rejected: report.rejected.length }, (deps.now ?? Date.now)());
  // Counts only: a rejected document's userId is a phone number.
  deps.logger.info({ imported: report.imported, kept: report.kept, rejected: report.rejected.length }, 'adopted WhatsAppInSlack userThreads; their contacts keep their threads');
  if (report.rejected.length > 0) deps.logger.warn({ rejected: report.rejected.length }, 'some userThreads documents were not adopted (not a WhatsApp id, or not a Slack ts); the import tool lists them');
  return report;
}
