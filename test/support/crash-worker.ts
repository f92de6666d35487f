// Run by tests as a separate process: claims jobs with a real worker and dies (exit 1, no
// clean-up, lease still held) in the middle of the first job, as a crashed instance would.
import { createLogger } from '../../src/logger.js';
import { createWorker } from '../../src/queue/worker.js';
import { openSqlStore } from '../../src/store/sql-store.js';

const [url, leaseMs] = [process.argv[2]!, Number(process.argv[3])];
const store = await openSqlStore(url);
const outbox = store.queue({ leaseMs, maxAttempts: 5 });
const worker = createWorker({
  outbox,
  logger: createLogger('silent'),
  concurrency: 1,
  leaseMs,
  pollMs: 10,
  workerId: 'doomed',
  handlers: {
    async work() {
      process.stdout.write('started\n');
      process.exit(1);
    },
  },
});
worker.start();
