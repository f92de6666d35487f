import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.js';
import type { Pacing } from '../../pacing.js';
import type { JobActivity } from '../../queue/job-activity.js';
import type { SlackChatSurface } from '../../slack/chat-surface.js';
import type { Outbox } from '../../store/outbox.js';
import type { WhatsAppSide } from '../../whatsapp/transport.js';
import type { AdminStatus, JiraSyncState, PacingState, WhatsAppRouteStatus } from './types.js';

const version = packageVersion();

/**
 * This release's version, from the first package.json above this module named switchboard: the
 * module is src/http/admin/status.ts, dist/http/admin/status.js or a chunk of the bundle in dist/.
 */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'switchboard' && pkg.version) return pkg.version;
    } catch {
      // none here (or unreadable): look further up
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** Pending Jira jobs counted at most this many (the count is a hint, not a report). */
const JIRA_PENDING_LIMIT = 500;

export interface AdminStatusDeps {
  config: Config;
  outbox: Outbox;
  slack: SlackChatSurface;
  /** Every route's transport, by route name in the order of the routes (`WhatsAppRoutes.sides`). */
  whatsapp: ReadonlyMap<string, WhatsAppSide>;
  pacing?: Pacing;
  /** Jira jobs' last attempts in this process. */
  jiraActivity?: () => JobActivity;
}

function pacingState(config: Config, pacing: Pacing): PacingState {
  return {
    shared: pacing.shared,
    slack: { perSecond: config.SLACK_POSTS_PER_SECOND, burst: config.SLACK_POST_BURST },
    slackPaused: pacing.slack.pauses().map((p) => ({ channel: p.key, until: p.until })),
    graphPaused: pacing.graph.pacer.pauses().length + pacing.graph.pairPacer.pauses().length,
  };
}

async function jiraSync(outbox: Outbox, activity: JobActivity): Promise<JiraSyncState> {
  const pending = await outbox.listJobs({ status: 'pending', limit: JIRA_PENDING_LIMIT });
  return { ...activity, pending: pending.filter((j) => j.kind.startsWith('jira.')).length, pendingLimit: JIRA_PENDING_LIMIT };
}

/** A WhatsApp Web side has a connection to pair; a Cloud API number has nothing to show but its route. */
function routeStatus(route: string, side: WhatsAppSide): WhatsAppRouteStatus {
  const c = side.connection;
  return c ? { route, transport: 'web', state: c.state(), qr: c.qr(), account: c.account(), detail: c.detail() } : { route, transport: 'cloud', state: 'n/a' };
}

/** What /admin shows, gathered from the running service. */
export async function adminStatus(deps: AdminStatusDeps): Promise<AdminStatus> {
  const { config, outbox, slack, whatsapp } = deps;
  const [depth, dead, slackState, sync] = await Promise.all([
    outbox.depth(),
    outbox.recentDead(10),
    slack.identity().then(
      (id) => ({ ok: true, detail: `bot ${id.userId}` }),
      (err: unknown) => ({ ok: false, detail: (err as Error).message }),
    ),
    config.jiraEnabled && deps.jiraActivity ? jiraSync(outbox, deps.jiraActivity()) : undefined,
  ]);
  const desk = config.jiraEnabled ? { host: new URL(config.JIRA_BASE_URL!).host, serviceDesk: config.JIRA_SERVICE_DESK_ID!, requestType: config.JIRA_REQUEST_TYPE_ID! } : undefined;
  return {
    routes: [...whatsapp].map(([route, side]) => routeStatus(route, side)),
    slack: { channel: config.SLACK_CHANNEL, ...slackState },
    jira: {
      enabled: config.jiraEnabled,
      // status.json's words, the same in every LOCALE (it is a contract); the page words `desk` itself.
      target: desk && `${desk.host} · desk ${desk.serviceDesk} · request type ${desk.requestType}`,
      desk,
      sync,
    },
    pacing: deps.pacing && pacingState(config, deps.pacing),
    queue: { pending: depth.pending, running: depth.running, dead: depth.dead },
    failures: dead.map((j) => ({ id: j.id, kind: j.kind, lane: j.lane, attempts: j.attempts, reason: j.lastError, at: j.finishedAt })),
    version,
  };
}
