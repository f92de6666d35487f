import type { Identifier, IdentityStore, KnownIdentifier } from './store/identities.js';

/**
 * A route is one WhatsApp number with its Slack channel (and Jira service desk). Conversations are
 * kept per route: the same person writing to two numbers is two conversations, with two cards.
 *
 * The implicit single route (`default`) keys its conversations as before routes existed, so every
 * row of an existing database stays its own. Another route's conversation keys, and the
 * identifiers that find them, are those of the transport behind the route's name
 * (`sales~15550001234`), so every per-conversation table (contacts, messages, tickets, lanes…)
 * is per route without a schema of its own; the contact row records its route.
 */
export const DEFAULT_ROUTE = 'default';

/** A route's name: short, lower-case, as ROUTES_FILE allows it. */
export const ROUTE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

const SEPARATOR = '~';

/**
 * The route of that name; a name no route has (a conversation from before routes, a route since
 * removed) is the `default` route's, else the first route's.
 */
export function routeNamed<R extends { name: string }>(routes: readonly R[], name: string | undefined): R {
  return routes.find((r) => r.name === name) ?? routes.find((r) => r.name === DEFAULT_ROUTE) ?? routes[0]!;
}

const isDefault = (route: string | undefined) => route === undefined || route === DEFAULT_ROUTE;

/**
 * What the cards call a route's number besides the number itself: its label, when there are several
 * routes (one number needs no name). Undefined with one route.
 */
export function routeLabels(routes: ReadonlyArray<{ name: string; label?: string }>): ((route: string | undefined) => string | undefined) | undefined {
  if (routes.length < 2) return undefined;
  return (route) => routeNamed(routes, route).label;
}

/** The conversation key of a chat the route's transport calls `local`. */
export function scopedChatId(route: string | undefined, local: string): string {
  return isDefault(route) ? local : `${route}${SEPARATOR}${local}`;
}

/** What the route's transport calls the conversation (the inverse of scopedChatId). */
export function localChatId(contact: { chatId: string; route?: string }): string {
  const prefix = `${contact.route}${SEPARATOR}`;
  return !isDefault(contact.route) && contact.chatId.startsWith(prefix) ? contact.chatId.slice(prefix.length) : contact.chatId;
}

/**
 * The identity store as one route sees it: its identifiers are apart from every other route's (a
 * number known on one route is unknown on the next), and a conversation first seen on it is keyed
 * in the route (resolveConversation keys it by an identifier's value).
 */
export function routeIdentities(store: IdentityStore, route: string | undefined): IdentityStore {
  if (isDefault(route)) return store;
  const inRoute = (i: Identifier): Identifier => ({ kind: i.kind, value: scopedChatId(route, i.value) });
  const prefix = `${route}${SEPARATOR}`;
  const outOfRoute = (k: KnownIdentifier): KnownIdentifier => ({ ...k, value: k.value.slice(prefix.length) });
  return {
    lookup: async (ids) => (await store.lookup(ids.map(inRoute))).map(outOfRoute),
    claim: (chatId, ids, now) => store.claim(chatId, ids.map(inRoute), now),
    setUsername: (chatId, username, now) => store.setUsername(chatId, scopedChatId(route, username), now),
    reassign: (from, to) => store.reassign(from, to),
    firstSeen: (chatIds) => store.firstSeen(chatIds),
  };
}
