import type { AgentStartModule } from './agent-start-module.js';
import type { CardActionsModule } from './card-actions-module.js';
import type { Config } from './config.js';
import type { Notices } from './core/relay/notices.js';
import type { Store } from './core/store/store.js';
import type { JiraTicketDeps } from './jira-module.js';
import type { JiraQueue } from './jira/jobs.js';
import { toOggOpus } from './media/voice.js';
import type { JobHandler } from './queue/worker.js';
import { createRelayHandlers, queueAgentLine, type RelayHandlerDeps } from './relay-handlers.js';
import { routeNamed } from './core/routes.js';
import { routeHandlers } from './route-handlers.js';
import type { RouteConfig } from './routes-file.js';
import type { SlackChatSurface } from './slack/chat-surface.js';
import { emojiToSlackName, slackNameToEmoji } from './slack/emoji.js';
import type { WhatsAppRoutes } from './whatsapp/transport.js';
import type { Interactions } from './slack/interactions/index.js';

export interface RelayParts {
  store: Store;
  slack: SlackChatSurface;
  whatsapp: WhatsAppRoutes;
  notices: Notices;
  cardActions: CardActionsModule;
  agentStart: AgentStartModule;
  jiraQueue: JiraQueue;
  /** The ticket work of a route, given its sender; absent without Jira. */
  jiraFor?: (route: RouteConfig, sender: RelayHandlerDeps['outbound']['sender']) => JiraTicketDeps;
  ffmpeg: boolean;
}

/**
 * The relay's job handlers, per route: each route's jobs post in its channel, send from its number
 * and raise requests in its service desk, a start from Slack included (the job names its route).
 * The interactions are one for all routes: the start modal offers every number.
 */
export function createRelayModule(config: Config, parts: RelayParts): { handlers: Record<string, JobHandler>; interactions: Interactions } {
  const { store, slack, notices, cardActions, agentStart } = parts;
  const { contacts, messages, effects, tickets } = store;
  const byRoute = new Map<string | undefined, { handlers: Record<string, JobHandler>; interactions: Interactions }>();

  function wire(route: RouteConfig) {
    const side = parts.whatsapp.side(route.name);
    const jira = parts.jiraFor ? { queue: parts.jiraQueue, tickets: parts.jiraFor(route, side.sender) } : undefined;
    const deps: RelayHandlerDeps = {
      slackChannel: route.slackChannel,
      locale: config.LOCALE,
      chat: slack,
      contacts,
      messages,
      inbound: {
        locale: config.LOCALE,
        mediaMaxBytes: config.MEDIA_MAX_BYTES,
        contacts,
        messages,
        effects,
        chat: slack,
        media: side.media,
        reactionName: emojiToSlackName,
        cardTicket: cardActions.cards.cardTicket,
        states: cardActions.states,
        resolvePrefix: cardActions.resolvePrefix,
        cardNotes: agentStart.cardNotes,
        routeLabel: cardActions.cards.routeLabel,
        notices,
      },
      outbound: {
        locale: config.LOCALE,
        contacts,
        messages,
        effects,
        chat: slack,
        sender: side.sender,
        notices,
        notePrefix: config.NOTE_PREFIX,
        signReplies: config.SIGN_REPLIES,
        voice: parts.ffmpeg ? { toOggOpus: (data, maxBytes) => toOggOpus(toIterable(data), { ffmpegPath: config.FFMPEG_PATH, maxBytes }) } : undefined,
        emojiFromName: slackNameToEmoji,
        now: Date.now,
        templateName: config.WHATSAPP_TEMPLATE_NAME,
        templateLanguage: config.WHATSAPP_TEMPLATE_LANGUAGE,
      },
      cards: cardActions.cards,
      resolvePrefix: config.RESOLVE_PREFIX,
      jira,
    };
    const started = agentStart.wire(route, {
      notices,
      outbound: deps.outbound,
      ticketKey: async (chatId) => (jira ? (await tickets.open(chatId))?.key : undefined),
      cards: cardActions.cards,
      afterSend: jira
        ? async (event, chatId, outcome) => {
            if (outcome === 'sent' || outcome === 'note') await queueAgentLine(event, chatId, outcome, deps);
          }
        : undefined,
    });
    return { handlers: { ...createRelayHandlers(deps), ...started.handlers }, interactions: started.interactions };
  }

  const routes = config.routes;
  const of = (name: string | undefined) => {
    const route = routeNamed(routes, name);
    let wired = byRoute.get(route.name);
    if (!wired) byRoute.set(route.name, (wired = wire(route)));
    return wired;
  };
  const first = of(routes[0]!.name);
  const handlers = routes.length === 1 ? first.handlers : routeHandlers(Object.keys(first.handlers), (name) => of(name).handlers, { contacts, tickets });
  return { handlers, interactions: first.interactions };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

function toIterable(data: AsyncIterable<Uint8Array> | Uint8Array): AsyncIterable<Uint8Array> {
  return data instanceof Uint8Array ? once(data) : data;
}
