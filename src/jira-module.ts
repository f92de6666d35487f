import type { CardActionsModule } from './card-actions-module.js';
import type { Config } from './config.js';
import type { ContactStore, EffectLog, TicketStore, WhatsAppSender } from './core/ports.js';
import type { Notices } from './core/relay/notices.js';
import type { TicketDeps } from './core/relay/tickets.js';
import type { JiraActionDeps } from './core/relay/jira-actions.js';
import type { JiraCommentDeps } from './core/relay/jira-comments.js';
import type { JiraCaller } from './jira/caller.js';
import type { Logger } from './logger.js';
import type { RouteConfig } from './routes-file.js';
import type { SlackChatSurface } from './slack/chat-surface.js';

export type JiraTicketDeps = TicketDeps & JiraActionDeps & JiraCommentDeps;

/**
 * Jira Service Management, when configured: every route raises its requests in its own service
 * desk and request type (or JIRA_SERVICE_DESK_ID / JIRA_REQUEST_TYPE_ID), over one credential and
 * one caller (a 429's Retry-After holds for every route). jira.js is imported only with Jira.
 * Returns the ticket work's deps of a route, given the route's WhatsApp sender.
 */
export async function createJiraModule(
  config: Config,
  parts: {
    logger: Logger;
    tickets: TicketStore;
    contacts: ContactStore;
    slack: SlackChatSurface;
    effects: EffectLog;
    notices: Notices;
    caller?: JiraCaller;
    /** What the card actions add to the ticket work (src/card-actions-module.ts). */
    extras: Awaited<ReturnType<CardActionsModule['ticketExtras']>>;
    cardNotes?(chatId: string): Promise<string[]>;
  },
): Promise<((route: RouteConfig, sender: WhatsAppSender) => JiraTicketDeps) | undefined> {
  if (!config.jiraEnabled) return undefined;
  const { createJiraTicketing } = await import('./jira/client.js');
  return (route, sender) => ({
    locale: config.LOCALE,
    ticketing: createJiraTicketing({
      baseUrl: config.JIRA_BASE_URL!,
      email: config.JIRA_EMAIL!,
      apiToken: config.JIRA_API_TOKEN!,
      serviceDeskId: route.jira?.serviceDeskId ?? config.JIRA_SERVICE_DESK_ID!,
      requestTypeId: route.jira?.requestTypeId ?? config.JIRA_REQUEST_TYPE_ID!,
      fetchTimeoutMs: config.JIRA_TIMEOUT_MS,
      logger: parts.logger,
      caller: parts.caller,
    }),
    tickets: parts.tickets,
    contacts: parts.contacts,
    chat: parts.slack,
    effects: parts.effects,
    notices: parts.notices,
    summaryTemplate: config.JIRA_SUMMARY_TEMPLATE,
    customerEmailDomain: config.JIRA_CUSTOMER_EMAIL_DOMAIN,
    slaWarnMs: config.JIRA_SLA_WARN_MINUTES * 60_000,
    resolvedMessage: config.JIRA_RESOLVED_MESSAGE,
    sender,
    now: Date.now,
    ...parts.extras,
    cardNotes: parts.cardNotes,
  });
}
