/**
 * Slack's interactive surfaces besides the card buttons: the global shortcut, the message
 * shortcut, `/whatsapp`, modals (block actions inside them and their submission) and the Home tab.
 * Both receivers (events-route.ts, socket-mode.ts) hand payloads here first; what this module does
 * not take goes on to normalise-event.ts as before.
 */
import { parseCommand, parseInteraction, type Interaction } from './payloads.js';

export { createInteractions, type Interactions } from './handler.js';
export { createInteractionJobs, JOB_RESOLVE, JOB_SAVED_REPLY, JOB_START } from './jobs.js';
export type { InteractionAnswer, InteractionDeps, StartRoute } from './context.js';

/** The interaction in an interactivity payload or a slash command's fields, when it is one of ours. */
export function routeInteraction(payload: unknown, commandFields: Record<string, unknown> | undefined): Interaction | undefined {
  return commandFields ? parseCommand(commandFields) : parseInteraction(payload);
}

/** The user whose App Home tab was opened (an `app_home_opened` event on the Home tab), if that is what the body is. */
export function homeOpenedBy(body: unknown): string | undefined {
  const event = (body as { event?: { type?: unknown; user?: unknown; tab?: unknown } } | null)?.event;
  if (event?.type !== 'app_home_opened' || typeof event.user !== 'string') return undefined;
  return event.tab === undefined || event.tab === 'home' ? event.user : undefined;
}
