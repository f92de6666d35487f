import type { AdminTexts } from './texts.js';
import type { AdminRoute, AdminSession } from './types.js';

export type SessionChoice = { route: string; session: AdminSession } | { code: 400 | 404; title: string; text: string };

/**
 * The WhatsApp Web session a form acts on: the one its `route` field names, or the first session
 * when it names none (the forms of a single-number console had no such field). A route that does
 * not exist, or is a Cloud API number, is refused with what to do instead.
 */
export function chooseSession(t: AdminTexts, routes: readonly AdminRoute[], asked: unknown): SessionChoice {
  if (asked === undefined || asked === '') {
    const first = routes.find((r) => r.session);
    if (first) return { route: first.name, session: first.session! };
  }
  const name = typeof asked === 'string' ? asked : '';
  const route = routes.find((r) => r.name === name);
  if (!route) {
    const known = routes.filter((r) => r.session).map((r) => r.name);
    return { code: 404, title: t.problems.noSuchRoute, text: t.problems.noRoute(name.slice(0, 40), known) };
  }
  if (!route.session) {
    return { code: 400, title: t.problems.notWebRoute, text: t.problems.notWebRouteText(route.name) };
  }
  return { route: route.name, session: route.session };
}
