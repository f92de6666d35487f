import type { AdminRoute, AdminSession } from './types.js';

export type SessionChoice = { route: string; session: AdminSession } | { code: 400 | 404; title: string; text: string };

/**
 * The WhatsApp Web session a form acts on: the one its `route` field names, or the first session
 * when it names none (the forms of a single-number console had no such field). A route that does
 * not exist, or is a Cloud API number, is refused with what to do instead.
 */
export function chooseSession(routes: readonly AdminRoute[], asked: unknown): SessionChoice {
  if (asked === undefined || asked === '') {
    const first = routes.find((r) => r.session);
    if (first) return { route: first.name, session: first.session! };
  }
  const name = typeof asked === 'string' ? asked : '';
  const route = routes.find((r) => r.name === name);
  if (!route) {
    const known = routes.filter((r) => r.session).map((r) => r.name).join(', ');
    return { code: 404, title: 'No such route', text: `There is no route named “${name.slice(0, 40)}”. WhatsApp Web routes: ${known || 'none'}.` };
  }
  if (!route.session) {
    return { code: 400, title: 'Not a WhatsApp Web route', text: `Route ${route.name} is a WhatsApp Cloud API number: it has no linked device to pair or unlink.` };
  }
  return { route: route.name, session: route.session };
}
