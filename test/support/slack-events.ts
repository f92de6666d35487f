import { createHmac, randomBytes } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret';
export const AGENT = 'U0AGENT001';

/** Headers Slack signs a request with (signing v0), at `timestamp` seconds (default now). */
export function slackHeaders(raw: string, opts: { timestamp?: number; secret?: string; contentType?: string } = {}): Record<string, string> {
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = 'v0=' + createHmac('sha256', opts.secret ?? SIGNING_SECRET).update(`v0:${ts}:${raw}`).digest('hex');
  return { 'content-type': opts.contentType ?? 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature };
}

/** An Events API envelope in the documented shape (see test/fixtures/slack). */
export function eventCallback(event: Record<string, unknown>, eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`) {
  return {
    token: 'XXYYZZ',
    team_id: 'T0FAKETEAM',
    api_app_id: 'A123ABC456',
    event: { event_ts: event.ts ?? '1.1', channel_type: 'channel', ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
  };
}

/** A person's message in a thread. */
export function threadReply(channel: string, threadTs: string, text: string, extra: Record<string, unknown> = {}) {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  return { type: 'message', channel, user: AGENT, text, ts, thread_ts: threadTs, ...extra };
}

/** A block_actions payload for a button click, form-encoded as Slack sends it. */
export function buttonClick(opts: { channel: string; messageTs: string; threadTs: string; actionId: string; value: string; user?: string; triggerId?: string }): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0FAKETEAM', domain: 'fake-workspace' },
    user: { id: opts.user ?? AGENT, username: 'ana', team_id: 'T0FAKETEAM' },
    api_app_id: 'A123ABC456',
    token: 'XXYYZZ',
    container: { type: 'message', message_ts: opts.messageTs, channel_id: opts.channel, is_ephemeral: false, thread_ts: opts.threadTs },
    trigger_id: opts.triggerId ?? '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
    channel: { id: opts.channel, name: 'support' },
    message: { type: 'message', ts: opts.messageTs, thread_ts: opts.threadTs, text: 'button', bot_id: 'B0FAKEBOT1' },
    actions: [{ action_id: opts.actionId, block_id: 'reopen', value: opts.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** The message_changed event Slack sends when an agent edits `ts` in a thread (hidden, with both versions). */
export function messageChanged(channel: string, threadTs: string, ts: string, before: string, after: string) {
  return {
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel,
    ts: `${Math.floor(Date.now() / 1000)}.999999`,
    message: { type: 'message', user: AGENT, text: after, ts, thread_ts: threadTs },
    previous_message: { type: 'message', user: AGENT, text: before, ts, thread_ts: threadTs },
  };
}
