import dotenv from 'dotenv';
import { createApp } from './app.js';
import { parseCommand } from './cli.js';
import { ConfigError, loadConfig } from './config.js';
import { listenFailureMessage } from './http/listen-error.js';
import { createLogger } from './logger.js';
import { StoreUnavailableError } from './store/open.js';

const USAGE = `Usage: npm start   (or: node dist/main.js [--help])

Starts Switchboard: the HTTP service on HOST:PORT (default 0.0.0.0:3000), the queue worker and
the configured WhatsApp, Slack and Jira connections. Runs until SIGTERM or SIGINT.

Settings come from the environment and from .env in the working directory: README
"Configuration" describes them, .env.example lists them, and \`npm run doctor\` checks them.
Logs are JSON lines on stdout; to read them as text: npm start | npx --yes pino-pretty

Options:
  -h, --help   print this help and exit`;

/** Composition root: the only place that reads process.env and wires concrete adapters. */
async function main(): Promise<void> {
  const command = parseCommand(process.argv.slice(2), { usage: USAGE });
  if ('exitCode' in command) {
    process.exitCode = command.exitCode;
    return;
  }
  dotenv.config({ quiet: true });
  let loaded;
  try {
    loaded = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { config, warnings } = loaded;
  const logger = createLogger(config.LOG_LEVEL);
  for (const warning of warnings) logger.warn(warning);

  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    // State is unknown after this; the queue is durable, so exiting loses nothing and a supervisor restarts us.
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });

  let app;
  try {
    app = await createApp(config, logger);
  } catch (err) {
    const message = err instanceof StoreUnavailableError ? err.message : `could not open the store (DATABASE_URL): ${(err as Error).message}`;
    logger.fatal({ err }, message);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    app
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  try {
    await app.start();
  } catch (err) {
    const message = listenFailureMessage(err, config.PORT, config.HOST);
    logger.fatal({ err }, message);
    process.stderr.write(`${message}\n`);
    await app.stop().catch(() => undefined);
    process.exit(1);
  }
}

await main();
