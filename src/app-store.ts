import type { Config } from './config.js';
import type { JobQueue } from './core/store/queue.js';
import type { Store } from './core/store/store.js';
import type { Logger } from './logger.js';
import { describeStoreError } from './store/errors.js';
import { openStore } from './store/open.js';

/** Opens and migrates the store (closing it again when migrations fail), and its job queue. */
export async function openAppStore(config: Config, logger: Logger): Promise<{ store: Store; outbox: JobQueue }> {
  const store = await openStore(config.DATABASE_URL, {
    // The embedded store serves this process alone; a second Switchboard on the file is refused.
    exclusive: true,
    onConnectionError: (err) =>
      logger.warn({ cause: describeStoreError(err)?.cause ?? err.message }, 'store connection lost; the pool reconnects when needed'),
  });
  try {
    const report = await store.migrate();
    logger.info({ dialect: store.kind, applied: report.applied }, 'store ready');
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  const outbox = store.queue({ leaseMs: config.QUEUE_LEASE_MS, maxAttempts: config.QUEUE_MAX_ATTEMPTS });
  if (store.exclusive) {
    // The store belongs to this process alone (the embedded file's lock): whatever is still running died with the last one.
    const released = await outbox.releaseAbandoned();
    if (released > 0) logger.warn({ jobs: released }, 'released jobs a stopped process left running; they run again now');
  }
  return { store, outbox };
}
