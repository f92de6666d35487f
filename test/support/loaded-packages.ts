import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `--import` this to log every resolved module URL to `$RESOLVE_LOG_FILE` (see resolve-log.mjs). */
export const RESOLVE_LOG = fileURLToPath(new URL('./resolve-log.mjs', import.meta.url));

/**
 * Packages that only some configurations need, and which configuration needs each. `pg` and
 * `mongodb` are the store drivers (src/store/*): only their own store should load them.
 */
export const OPTIONAL_PACKAGES = {
  baileys: 'WHATSAPP_TRANSPORT=web',
  qrcode: 'WhatsApp Web, while a QR is shown',
  '@slack/socket-mode': 'SLACK_APP_TOKEN',
  'jira.js': 'JIRA_BASE_URL',
  pg: 'DATABASE_URL=postgres://…',
  mongodb: 'DATABASE_URL=mongodb://…',
} as const;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** The packages (by name, `@scope/name` for scoped ones) whose modules appear in a resolve log. */
export function loadedPackages(logFile: string): Set<string> {
  const names = new Set<string>();
  if (!existsSync(logFile)) return names;
  for (const url of readFileSync(logFile, 'utf8').split('\n')) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(url);
    if (match) names.add(match[1]!);
  }
  return names;
}
