import dotenv from 'dotenv';
import { parseCommand } from '../cli.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createPacer } from '../pacer.js';
import { createSlackChatSurface } from '../slack/chat-surface.js';
import { openStore } from '../store/open.js';
import { connectMongo, describeMongoUrl } from './mongo-source.js';
import { importUserThreads, type UserThreadDoc } from './user-threads.js';

const USAGE = `Usage: npm run import:whatsappinslack -- <mongodb://…/database> [collection]
   (or: node dist/migrate/import-whatsappinslack.js [--help] <mongodb-url> [collection])

Copies WhatsAppInSlack's contact threads (the \`userThreads\` collection, or [collection]) from
its MongoDB database into Switchboard's store, so existing contacts keep their Slack threads.
Uses the same settings as the service (environment and .env: SLACK_BOT_TOKEN, SLACK_CHANNEL,
DATABASE_URL). Contacts the store already knows are kept as they are; running it twice is safe.

Options:
  -h, --help   print this help and exit`;

/**
 * `npm run import:whatsappinslack -- <mongodb-url> [collection]`: copies WhatsAppInSlack's
 * `userThreads` into the store, so existing contacts keep their Slack threads. Uses the same .env.
 */
async function run(): Promise<number> {
  const command = parseCommand(process.argv.slice(2), { usage: USAGE, positionals: { min: 1, max: 2 } });
  if ('exitCode' in command) return command.exitCode;
  const [url = '', collection = 'userThreads'] = command.positionals;
  if (!/^mongodb(\+srv)?:\/\//.test(url)) {
    process.stderr.write(`error: the first argument must be a mongodb:// or mongodb+srv:// URL\n\n${USAGE}\n`);
    return 2;
  }
  dotenv.config({ quiet: true });
  let config;
  try {
    const loaded = loadConfig(process.env);
    config = loaded.config;
    // The same warnings the service logs, so an old .env's keys are named here too.
    for (const warning of loaded.warnings) process.stderr.write(`! ${warning}\n`);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // MongoDB first: nothing is touched in Slack or the store before the source is known to answer.
  say(`connecting to MongoDB at ${describeMongoUrl(url)}…`);
  const mongo = await connectMongo(url);
  try {
    const logger = createLogger('warn');
    const slack = createSlackChatSurface({ token: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL, pacer: createPacer({ perSecond: 1, burst: 1 }), logger });
    say(`finding the Slack channel ${config.SLACK_CHANNEL}…`);
    const channel = await slack.resolveChannel(config.SLACK_CHANNEL);
    say(`opening the store (${config.DATABASE_URL.split(':')[0]})…`);
    const store = await openStore(config.DATABASE_URL);
    try {
      await store.migrate();
      const source = mongo.db().collection<UserThreadDoc>(collection);
      const total = await source.estimatedDocumentCount();
      say(`importing ${total} threads from ${collection}…`);
      const docs = source.find({}, { projection: { userId: 1, thread_ts: 1 } });
      const report = await importUserThreads(docs, {
        contacts: store.contacts,
        channel,
        onProgress: (r, seen) => say(`  ${seen} of ${total}: ${r.imported} imported, ${r.kept} kept, ${r.rejected.length} rejected`),
      });
      say(`imported ${report.imported} threads into ${channel}, kept ${report.kept} already known, rejected ${report.rejected.length}`);
      for (const r of report.rejected) say(`  rejected ${r.userId}: ${r.reason}`);
      return report.rejected.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  } finally {
    await mongo.close();
  }
}

try {
  process.exitCode = await run();
} catch (err) {
  // One line an operator can act on; the stack helps nobody running a one-off import.
  process.stderr.write(`import failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
