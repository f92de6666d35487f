import type { Config } from './config.js';
import type { ContactStore, MessageMap, TicketStore } from './core/ports.js';
import type { CardActionDeps } from './core/relay/card-actions.js';
import type { Notices } from './core/relay/notices.js';
import { cardTicket } from './core/relay/tickets.js';
import { routeLabels } from './core/routes.js';
import type { JiraCaller } from './jira/caller.js';
import type { JiraQueue } from './jira/jobs.js';
import { createSlackAgentEmails } from './slack/agent-emails.js';
import type { SlackChatSurface } from './slack/chat-surface.js';
import type { Store } from './core/store/store.js';

/**
 * The card's buttons and Jira → contact, wired: the conversation states (store), the card's request
 * block, what the chat-lane action needs, and what the Jira-lane jobs add to the ticket work.
 */
export function createCardActionsModule(
  config: Config,
  parts: { store: Store; tickets: TicketStore; contacts: ContactStore; messages: MessageMap; slack: SlackChatSurface; notices: Notices; jiraQueue: JiraQueue; jiraCaller?: JiraCaller; cardNotes?(chatId: string): Promise<string[]> },
) {
  const states = parts.store.conversationStates;
  const resolvePrefix = config.RESOLVE_PREFIX || undefined;
  const jira = config.jiraEnabled;
  // The card's request block: the open request, else the latest one (resolved or deleted, until the next is raised).
  const cardTicketOf = async (chatId: string) => {
    const shown = (await parts.tickets.open(chatId)) ?? (await parts.tickets.latest(chatId));
    return shown ? cardTicket(shown, config.LOCALE) : undefined;
  };
  const routeLabel = routeLabels(config.routes);
  const cards: CardActionDeps = {
    locale: config.LOCALE,
    contacts: parts.contacts,
    chat: parts.slack,
    notices: parts.notices,
    states,
    resolvePrefix,
    now: Date.now,
    cardTicket: jira ? cardTicketOf : undefined,
    queueJira: jira ? (job) => parts.jiraQueue.action(job) : undefined,
    cardNotes: parts.cardNotes,
    routeLabel,
  };
  /** Added to the ticket work's deps (Jira only); the workflow client loads jira.js, so only then. */
  const ticketExtras = async () => ({
    states,
    waitingNames: config.JIRA_TRANSITION_WAITING,
    resolvePrefix,
    routeLabel,
    workflow: (await import('./jira/workflow-client.js')).createJiraWorkflow({ baseUrl: config.JIRA_BASE_URL!, email: config.JIRA_EMAIL!, apiToken: config.JIRA_API_TOKEN!, timeoutMs: config.JIRA_TIMEOUT_MS, caller: parts.jiraCaller }),
    emails: createSlackAgentEmails(parts.slack.client),
    transitionNames: { waiting: config.JIRA_TRANSITION_WAITING, resolve: config.JIRA_TRANSITION_RESOLVE, reopen: config.JIRA_TRANSITION_REOPEN },
    messages: parts.messages,
    signReplies: config.SIGN_REPLIES,
    queueJiraAction: cards.queueJira,
  });
  return { states, cards, cardTicketOf, ticketExtras, resolvePrefix };
}

export type CardActionsModule = ReturnType<typeof createCardActionsModule>;
