/**
 * Wires issue 12's points 2–4 (start a conversation, the template picker, saved replies) and the
 * card's Resolve modal (point 1's closing message): the interactions the receivers hand over, the
 * jobs the worker runs for them, and the card line that names who started a conversation.
 */
import type { Config } from './config.js';
import type { RouteConfig } from './routes-file.js';
import type { ContactStore, EffectLog, MessageMap } from './core/ports.js';
import type { CardActionDeps } from './core/relay/card-actions.js';
import type { Notices } from './core/relay/notices.js';
import type { OutboundDeps } from './core/relay/outbound.js';
import type { SlackMessageEvent } from './core/slack-events.js';
import type { AgentMessageOutcome } from './core/relay/outbound.js';
import type { TemplateCatalogue } from './core/start/ports.js';
import { createAgentStartStore } from './core/start/agent-store.js';
import { starterNotes } from './core/start/send-started.js';
import type { Store } from './core/store/store.js';
import type { Logger } from './logger.js';
import type { JobHandler } from './queue/worker.js';
import type { NewJob } from './core/store/queue.js';
import type { SlackChatSurface } from './slack/chat-surface.js';
import { createInteractionJobs, createInteractions, type Interactions, type StartRoute } from './slack/interactions/index.js';

export interface AgentStartParts {
  config: Config;
  store: Store;
  logger: Logger;
  slack: SlackChatSurface;
  contacts: ContactStore;
  messages: MessageMap;
  effects: EffectLog;
  /** A route's account's templates (its number's side); absent without its business account id. */
  templatesOf(route: string): TemplateCatalogue | undefined;
  /** Records a job and wakes the worker; false for a repeat. */
  enqueue(job: NewJob): Promise<boolean>;
}

export interface AgentStartModule {
  cardNotes(chatId: string): Promise<string[]>;
  /**
   * Needs the notices and the outbound path, which the relay builds for each route: the start jobs
   * of a route send from its number and post in its channel. The interactions are one for every
   * route (the start modal offers each number), built on the first call.
   */
  wire(route: RouteConfig, relay: {
    notices: Notices;
    outbound: OutboundDeps;
    ticketKey(chatId: string): Promise<string | undefined>;
    afterSend?(event: SlackMessageEvent, chatId: string, outcome: AgentMessageOutcome): Promise<void>;
    /** The card's actions (the Resolve modal's submission resolves as the button did), and how the
     * card is drawn for the first post of a started conversation's card. */
    cards: CardActionDeps;
  }): { interactions: Interactions; handlers: Record<string, JobHandler> };
}

export function createAgentStartModule(parts: AgentStartParts): AgentStartModule {
  const { config } = parts;
  const store = createAgentStartStore(parts.store);
  const cardNotes = (chatId: string) => starterNotes(chatId, store, config.LOCALE);
  const channelOf = (route: RouteConfig) => () => parts.slack.resolveChannel(route.slackChannel);
  const defaultTemplate = config.WHATSAPP_TEMPLATE_NAME ? { name: config.WHATSAPP_TEMPLATE_NAME, language: config.WHATSAPP_TEMPLATE_LANGUAGE } : undefined;
  const routes: StartRoute[] = config.routes.map((r) => {
    const templates = parts.templatesOf(r.name);
    return { name: r.name, ...(r.label ? { label: r.label } : {}), transport: r.whatsapp.transport, channel: channelOf(r), ...(templates ? { templates } : {}) };
  });
  let interactions: Interactions | undefined;
  return {
    cardNotes,
    wire(route, relay) {
      interactions ??= createInteractions({
        locale: config.LOCALE,
        routes,
        client: parts.slack.client,
        contacts: parts.contacts,
        store,
        defaultTemplate,
        enqueue: parts.enqueue,
        isResolved: async (chatId) => (await relay.cards.states.get(chatId))?.status === 'resolved',
        logger: parts.logger,
        // A number typed without "+" is read as a Brazilian one by a Brazilian team.
        defaultCountry: config.LOCALE === 'pt-BR' ? 'BR' : undefined,
      });
      const handlers = createInteractionJobs({
        start: {
          locale: config.LOCALE,
          route: route.name,
          transport: route.whatsapp.transport,
          channel: channelOf(route),
          contacts: parts.contacts,
          messages: parts.messages,
          effects: parts.effects,
          chat: parts.slack,
          sender: relay.outbound.sender,
          notices: relay.notices,
          store,
          cardView: relay.cards,
          afterSend: relay.afterSend,
          now: Date.now,
        },
        savedReply: { outbound: relay.outbound, store, ticketKey: relay.ticketKey, afterSend: relay.afterSend },
        resolve: { outbound: relay.outbound, cards: relay.cards, afterSend: relay.afterSend },
      });
      return { interactions, handlers };
    },
  };
}
