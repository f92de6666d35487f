/**
 * Wires issue 12's points 2–4 (start a conversation, the template picker, saved replies) and the
 * card's Resolve modal (point 1's closing message): the interactions the receivers hand over, the
 * jobs the worker runs for them, and the card line that names who started a conversation.
 */
import type { Config } from './config.js';
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
import { createInteractionJobs, createInteractions, type Interactions } from './slack/interactions/index.js';

export interface AgentStartParts {
  config: Config;
  store: Store;
  logger: Logger;
  slack: SlackChatSurface;
  contacts: ContactStore;
  messages: MessageMap;
  effects: EffectLog;
  templates?: TemplateCatalogue;
  /** Records a job and wakes the worker; false for a repeat. */
  enqueue(job: NewJob): Promise<boolean>;
}

export interface AgentStartModule {
  cardNotes(chatId: string): Promise<string[]>;
  /** Needs the notices and the outbound path, which the relay builds. */
  wire(relay: {
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
  const channel = () => parts.slack.resolveChannel(config.SLACK_CHANNEL);
  const defaultTemplate = config.WHATSAPP_TEMPLATE_NAME ? { name: config.WHATSAPP_TEMPLATE_NAME, language: config.WHATSAPP_TEMPLATE_LANGUAGE } : undefined;
  return {
    cardNotes,
    wire(relay) {
      const interactions = createInteractions({
        locale: config.LOCALE,
        transport: config.WHATSAPP_TRANSPORT,
        client: parts.slack.client,
        supportChannel: channel,
        contacts: parts.contacts,
        store,
        templates: parts.templates,
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
          transport: config.WHATSAPP_TRANSPORT,
          channel,
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
