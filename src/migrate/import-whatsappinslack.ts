import dotenv from 'dotenv';
import { MongoClient } from 'mongodb';
import { parseCommand } from '../cli.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createPacer } from '../pacer.js';
import { createSlackChatSurface } from '../slack/chat-surface.js';
import { openStore } from '../store/open.js';
import { createContactStore } from '../store/repos.js';
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
    config = loadConfig(process.env).config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const logger = createLogger('warn');
  const slack = createSlackChatSurface({ token: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL, pacer: createPacer({ perSecond: 1, burst: 1 }), logger });
  const channel = await slack.resolveChannel(config.SLACK_CHANNEL);
  const store = openStore(config.DATABASE_URL);
  const mongo = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  try {
    await store.migrate();
    await mongo.connect();
    const docs = mongo.db().collection<UserThreadDoc>(collection).find({}, { projection: { userId: 1, thread_ts: 1 } });
    const report = await importUserThreads(docs, { contacts: createContactStore(store.db), channel });
    process.stdout.write(`imported ${report.imported} threads into ${channel}, kept ${report.kept} already known, rejected ${report.rejected.length}\n`);
    for (const r of report.rejected) process.stdout.write(`  rejected ${r.userId}: ${r.reason}\n`);
    return report.rejected.length > 0 ? 1 : 0;
  } finally {
    await mongo.close();
    await store.close();
  }
}

process.exitCode = await run();
