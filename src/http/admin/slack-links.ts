import type { SlackIdentity } from '../../slack/chat-surface.js';
import type { SlackLinks } from './types.js';

/**
 * Links to conversations' Slack threads without one API call per row. A message's permalink is
 * `https://<workspace>.slack.com/archives/<channel>/p<ts without the dot>` (the shape
 * chat.getPermalink answers): one chat.getPermalink call tells the workspace's address, and every
 * other link is built from it. chat.getPermalink per row would be one Slack call (and its rate
 * limit) per card on every page view; app_redirect needs no call but opens only the channel, not the
 * thread, so it is the fallback while Slack cannot be asked.
 */
export function createSlackLinks(slack: { permalink(channel: string, ts: string): Promise<string>; identity(): Promise<SlackIdentity> }): SlackLinks {
  let workspace: Promise<string | undefined> | undefined;
  const learn = (channel: string, ts: string) =>
    slack.permalink(channel, ts).then(
      (link) => {
        const url = new URL(link);
        return url.protocol === 'https:' ? url.origin : undefined;
      },
      () => {
        // Ask again on the next page view, not on every row of this one.
        setTimeout(() => (workspace = undefined), 60_000).unref();
        return undefined;
      },
    );

  return {
    async message(channel, ts) {
      workspace ??= learn(channel, ts);
      const origin = await workspace;
      if (origin) return `${origin}/archives/${encodeURIComponent(channel)}/p${ts.replace('.', '')}`;
      const team = await slack.identity().then((id) => id.teamId, () => undefined);
      return `https://slack.com/app_redirect?channel=${encodeURIComponent(channel)}${team ? `&team=${encodeURIComponent(team)}` : ''}`;
    },
  };
}
