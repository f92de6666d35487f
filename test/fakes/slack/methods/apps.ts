/**
 * apps.connections.open: the Socket Mode handshake's first step.
 */
import type { MethodContext, MethodSpec } from './context.js';

/**
 * https://docs.slack.dev/reference/methods/apps.connections.open — takes the app-level token
 * (`xapp-…`, scope `connections:write`) in the Authorization header only (server.ts enforces both),
 * and answers `{ok: true, url}` with a single-use WebSocket URL, e.g.
 * `wss://wss-somethiing.slack.com/link/?ticket=12348&app_id=5678`. The fake's URL comes from
 * createFakeSocketMode().issueUrl (../../slack-socket.ts).
 */
function appsConnectionsOpen({ settings, baseUrl }: MethodContext): Record<string, unknown> {
  // Without a socket server the URL points at the fake's HTTP server, which has no upgrade handler.
  const url = settings.socketModeUrl?.() ?? `${baseUrl.replace(/^http/, 'ws')}/link/?ticket=none`;
  return { url };
}

export const appMethods: Record<string, MethodSpec> = {
  // "No scopes required" on the method page: the token's own type is what is checked.
  'apps.connections.open': { handler: appsConnectionsOpen, scopes: [], token: 'app' },
};
