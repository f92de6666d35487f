import type { WebClient } from '@slack/web-api';
import type { AgentEmails } from '../core/relay/card-actions.js';
import { toSlackBridgeError } from './errors.js';

/**
 * An agent's e-mail as Slack's users.info gives it (`user.profile.email`,
 * docs.slack.dev/reference/methods/users.info): only with the `users:read.email` scope, so without it
 * the answer simply lacks the field and the claim says so on the card. Not cached: it is read once
 * per claim, and an e-mail can change.
 */
export function createSlackAgentEmails(client: WebClient): AgentEmails {
  return {
    async email(userId) {
      try {
        const r = await client.users.info({ user: userId });
        const email = r.user?.profile?.email?.trim();
        return email ? email : undefined;
      } catch (err) {
        throw toSlackBridgeError(err, 'users.info');
      }
    },
  };
}
