import type { ContactStore, TicketStore } from './core/ports.js';
import type { JobContext, JobHandler } from './queue/worker.js';

/**
 * The job handlers of every route: each job runs with the handlers of its conversation's route
 * (that route's channel, WhatsApp number and Jira service desk). The route is read from what the
 * job names: the message or status (marked by its transport), the bridge notice, or the
 * conversation (by its contact, or its Jira request's).
 */
export function routeHandlers(
  kinds: readonly string[],
  handlersOf: (route: string | undefined) => Record<string, JobHandler>,
  find: { contacts: ContactStore; tickets: Pick<TicketStore, 'byKey'> },
): Record<string, JobHandler> {
  async function routeOf(payload: unknown): Promise<string | undefined> {
    const p = (typeof payload === 'object' && payload !== null ? payload : {}) as {
      item?: { route?: unknown };
      status?: { route?: unknown };
      route?: unknown;
      chatId?: unknown;
      key?: unknown;
    };
    const marked = p.item?.route ?? p.status?.route ?? p.route;
    if (typeof marked === 'string') return marked;
    let chatId = typeof p.chatId === 'string' ? p.chatId : undefined;
    if (!chatId && typeof p.key === 'string') chatId = (await find.tickets.byKey(p.key))?.chatId;
    return chatId ? (await find.contacts.get(chatId))?.route : undefined;
  }
  const pick = async (kind: string, payload: unknown): Promise<JobHandler> => handlersOf(await routeOf(payload))[kind]!;
  const run = (h: JobHandler) => (typeof h === 'function' ? h : h.run);
  return Object.fromEntries(
    kinds.map((kind): [string, JobHandler] => [
      kind,
      {
        run: async (payload: unknown, ctx: JobContext) => run(await pick(kind, payload))(payload, ctx),
        async giveUp(payload, failure, ctx) {
          const h = await pick(kind, payload);
          if (typeof h !== 'function' && h.giveUp) await h.giveUp(payload, failure, ctx);
        },
      },
    ]),
  );
}
