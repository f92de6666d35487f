import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Receiver } from '../receiver.js';
import { createSlackHttpReceiver } from './events-route.js';
import type { Interactions } from './interactions/index.js';
import type { SocketModeReceiver } from './socket-mode.js';

/**
 * How Slack's events come in: over HTTP (/slack/events, with the signing secret), over Socket Mode
 * (with an app token), or both. @slack/socket-mode is imported only when it is configured.
 */
export async function createSlackReceivers(
  config: Pick<Config, 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'LOCALE'>,
  logger: Logger,
  interactions: Interactions,
): Promise<{ all: Receiver[]; socketMode?: SocketModeReceiver }> {
  const all: Receiver[] = [];
  if (config.SLACK_SIGNING_SECRET) all.push(createSlackHttpReceiver({ signingSecret: config.SLACK_SIGNING_SECRET, logger, interactions, locale: config.LOCALE }));
  if (!config.SLACK_APP_TOKEN) return { all };
  const { createSocketModeReceiver } = await import('./socket-mode.js');
  const socketMode = createSocketModeReceiver({ appToken: config.SLACK_APP_TOKEN, logger, slackApiUrl: config.SLACK_API_URL, interactions, locale: config.LOCALE });
  all.push(socketMode);
  return { all, socketMode };
}
