import { createHash } from 'node:crypto';

/**
 * A short opaque tag for a key that may hold ids (message ids, event ids): Slack message metadata
 * is visible to every app in the workspace, so what finds a post again carries no data of its own.
 */
export function opaqueMarker(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 20);
}
