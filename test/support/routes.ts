/** A ROUTES_FILE for a test, and Cloud webhooks addressed to another number of the app. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { cloudWebhook } from './webhooks.js';

/** A second Cloud number of the app (Meta's example range), and the channel its route posts in. */
export const SERVICE_NUMBER = { id: '106540352242933', display: '15550783882' };
export const SERVICE_CHANNEL = 'C0SERVICE01';

/** Writes the routes YAML to a fresh temporary file; its path is what ROUTES_FILE names. */
export function routesFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-routes-'));
  const path = join(dir, 'routes.yaml');
  writeFileSync(path, yaml);
  return path;
}

/** The same documented webhook, for another number: its own metadata. */
export function toNumber<W extends ReturnType<typeof cloudWebhook>>(webhook: W, number: { display: string; id: string }): W {
  webhook.entry[0]!.changes[0]!.value.metadata = { display_phone_number: number.display, phone_number_id: number.id };
  return webhook;
}
