import { createRequire } from 'node:module';
import type { Config } from '../../config.js';
import type { SlackChatSurface } from '../../slack/chat-surface.js';
import type { Outbox } from '../../store/outbox.js';
import type { WhatsAppSide } from '../../whatsapp/transport.js';
import type { AdminStatus } from './types.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** What /admin shows, gathered from the running service. */
export async function adminStatus(deps: { config: Config; outbox: Outbox; slack: SlackChatSurface; whatsapp: WhatsAppSide }): Promise<AdminStatus> {
  const { config, outbox, slack, whatsapp } = deps;
  const [depth, dead, slackState] = await Promise.all([
    outbox.depth(),
    outbox.recentDead(10),
    slack.identity().then(
      (id) => ({ ok: true, detail: `bot ${id.userId}` }),
      (err: unknown) => ({ ok: false, detail: (err as Error).message }),
    ),
  ]);
  const connection = whatsapp.connection;
  return {
    transport: config.WHATSAPP_TRANSPORT,
    whatsapp: connection ? { state: connection.state(), qr: connection.qr(), account: connection.account() } : { state: 'n/a' },
    slack: { channel: config.SLACK_CHANNEL, ...slackState },
    jira: {
      enabled: config.jiraEnabled,
      target: config.jiraEnabled ? `${new URL(config.JIRA_BASE_URL!).host} · desk ${config.JIRA_SERVICE_DESK_ID} · request type ${config.JIRA_REQUEST_TYPE_ID}` : undefined,
    },
    queue: { pending: depth.pending, running: depth.running, dead: depth.dead },
    failures: dead.map((j) => ({ id: j.id, kind: j.kind, lane: j.lane, attempts: j.attempts, reason: j.lastError, at: j.finishedAt })),
    version,
  };
}
