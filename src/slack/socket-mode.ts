import { LogLevel, SocketModeClient, type Logger as SlackLogger } from '@slack/socket-mode';
import type { Intake } from '../intake.js';
import type { Receiver } from '../receiver.js';
import type { Logger } from '../logger.js';
import type { Locale } from '../core/format/i18n.js';
import { slashCommandReply } from './events-route.js';
import { normaliseEventCallback, normaliseInteraction, type Normalised } from './normalise-event.js';
import { homeOpenedBy, routeInteraction, type Interactions } from './interactions/index.js';

export interface SocketModeReceiverOptions {
  /** App-level token (`xapp-…`) with `connections:write`. */
  appToken: string;
  /** Given here or at `init` (the receiver contract). */
  intake?: Intake;
  logger: Logger;
  /** Web API base for apps.connections.open, e.g. a fake's `http://127.0.0.1:PORT/api/`. Default Slack's. */
  slackApiUrl?: string;
  /** LOCALE: the language of the answer to another slash command. */
  locale?: Locale;
  /**
   * The SDK's pong deadline (default 5000 ms). It also paces reconnects: after a disconnect the
   * SDK waits this long times the failed attempts before reconnecting, so tests shorten it.
   */
  clientPingTimeoutMs?: number;
  /** Shortcuts, modals, /whatsapp and the Home tab (src/slack/interactions/). */
  interactions?: Interactions;
}

export interface SocketModeReceiver extends Receiver {
  /** Opens the connection; rejects with a clear error when Slack refuses the token. */
  start(): Promise<void>;
  /** Connected and greeted (hello received); false while the SDK reconnects. */
  isConnected(): boolean;
}

/** What the SDK hands to `slack_event` listeners (SocketModeClient.onWebSocketMessage). */
interface Envelope {
  type: string;
  envelope_id: string;
  body: unknown;
  ack: (response?: Record<string, unknown>) => Promise<void>;
  retry_num?: number;
  retry_reason?: string;
}

/**
 * Socket Mode (https://docs.slack.dev/apis/events-api/using-socket-mode) with the official
 * @slack/socket-mode client: it opens the WebSocket with apps.connections.open, keeps it alive and
 * reconnects when Slack asks. Payloads are normalised exactly as over HTTP (./normalise-event.ts)
 * and each envelope is acknowledged only once all its events are durably recorded: an envelope that
 * could not be recorded is left unacknowledged, and Slack delivers it again (the intake drops
 * repeats by event id). Envelopes the bridge does not act on, or cannot read, are acknowledged so
 * that Slack does not keep redelivering them.
 */
export function createSocketModeReceiver(opts: SocketModeReceiverOptions): SocketModeReceiver {
  const log = opts.logger.child({ component: 'slack-socket-mode' });
  let intake = opts.intake;
  const client = new SocketModeClient({
    appToken: opts.appToken,
    logger: sdkLogger(log),
    clientPingTimeout: opts.clientPingTimeoutMs,
    clientOptions: opts.slackApiUrl === undefined ? {} : { slackApiUrl: opts.slackApiUrl.endsWith('/') ? opts.slackApiUrl : `${opts.slackApiUrl}/` },
  });
  let connected = false;

  client.on('connected', () => {
    connected = true;
    log.info('Socket Mode connected');
  });
  for (const state of ['close', 'reconnecting', 'disconnecting', 'disconnected']) {
    client.on(state, () => {
      if (connected) log.info({ state }, 'Socket Mode connection closed');
      connected = false;
    });
  }
  client.on('slack_event', (envelope: Envelope) => {
    // The SDK does not await listeners: every failure must be caught here.
    handle(envelope).catch((err: unknown) => log.error({ err, envelopeId: envelope.envelope_id }, 'Socket Mode envelope handling failed'));
  });

  async function ack(envelope: Envelope, response?: Record<string, unknown>): Promise<void> {
    try {
      await envelope.ack(response);
    } catch (err) {
      // The socket closed before the ack: Slack redelivers, and the repeat is dropped by event id.
      log.warn({ err, envelopeId: envelope.envelope_id }, 'could not acknowledge a Socket Mode envelope; Slack will redeliver it');
    }
  }

  async function handle(envelope: Envelope): Promise<void> {
    const { type, envelope_id: envelopeId } = envelope;
    if (envelope.retry_num) log.debug({ envelopeId, retryNum: envelope.retry_num, retryReason: envelope.retry_reason }, 'Slack is redelivering an envelope');
    const body = envelope.body as Record<string, unknown> | undefined;
    const routed =
      opts.interactions && (type === 'slash_commands' || type === 'interactive') && body
        ? routeInteraction(type === 'interactive' ? body : undefined, type === 'slash_commands' ? body : undefined)
        : undefined;
    if (routed) {
      let answer;
      try {
        answer = await opts.interactions!.handle(routed);
      } catch (err) {
        // Left unacknowledged: Slack tells the user it failed, and a submission repeated is dropped by its view id.
        log.error({ err, envelopeId, type: routed.type }, 'Slack interaction failed: not acknowledging');
        return;
      }
      return ack(envelope, answer);
    }
    if (type === 'slash_commands') {
      log.info({ envelopeId }, 'slash command answered: the bridge answers /whatsapp only');
      return ack(envelope, slashCommandReply(opts.locale));
    }
    const homeUser = type === 'events_api' && opts.interactions ? homeOpenedBy(body) : undefined;
    if (homeUser) {
      await ack(envelope);
      return opts.interactions!.homeOpened(homeUser).catch((err: unknown) => log.warn({ err }, 'could not publish the Home tab'));
    }
    let normalised: Normalised;
    if (type === 'events_api') normalised = normaliseEventCallback(envelope.body);
    else if (type === 'interactive') normalised = normaliseInteraction(envelope.body);
    else {
      log.info({ envelopeId, type }, 'Socket Mode envelope of a type the bridge does not handle: acknowledged');
      return ack(envelope);
    }
    if (!normalised.ok) {
      // Over HTTP this is a 400; here a redelivery could not fix it either.
      log.warn({ envelopeId, type, reason: normalised.reason }, 'malformed Socket Mode payload acknowledged and dropped');
      return ack(envelope);
    }
    if (normalised.dropped.length > 0) log.info({ envelopeId, dropped: normalised.dropped }, 'Slack payload partly or wholly not for the bridge');
    for (const event of normalised.events) {
      try {
        if (!intake) throw new Error('Socket Mode events arrived before the receiver was initialised');
        const result = await intake.recordSlack(event);
        log.info(
          { envelopeId, eventId: event.eventId, kind: event.kind, channel: event.channel, queued: result.queued, reason: result.queued ? undefined : result.reason },
          result.queued ? 'Slack event queued' : 'Slack event not acted on',
        );
      } catch (err) {
        log.error({ err, envelopeId, eventId: event.eventId, kind: event.kind }, 'could not record a Slack event: not acknowledging, so Slack redelivers it');
        return;
      }
    }
    return ack(envelope);
  }

  return {
    init(ctx) {
      intake = ctx.intake;
    },
    async start() {
      if (!opts.appToken.startsWith('xapp-')) {
        throw new Error('Socket Mode needs an app-level token (xapp-…, scope connections:write); SLACK_APP_TOKEN is another kind of token');
      }
      try {
        await client.start();
      } catch (err) {
        throw new Error(`Socket Mode could not connect: ${startFailure(err)}`, { cause: err });
      }
    },
    async stop() {
      await client.disconnect();
      connected = false;
    },
    isConnected: () => connected,
  };
}

/** Why apps.connections.open (or the connection after it) failed, in words an operator can act on. */
function startFailure(err: unknown): string {
  const e = err as { code?: string; data?: { error?: string }; message?: string };
  const code = e.data?.error;
  if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive') {
    return `Slack refused the app-level token (${code}): check SLACK_APP_TOKEN (app settings → Basic Information → App-Level Tokens, scope connections:write)`;
  }
  if (code === 'not_allowed_token_type') return 'SLACK_APP_TOKEN is not an app-level token (not_allowed_token_type)';
  if (code) return `apps.connections.open failed: ${code}`;
  return e.message ?? String(err);
}

/**
 * The SDK's logger, mapped onto ours. Its debug lines carry whole payloads (message text), so they
 * are never forwarded; its info lines are connection chatter, kept at debug.
 */
function sdkLogger(log: Logger): SlackLogger {
  const line = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => log.debug({ sdk: '@slack/socket-mode' }, line(msg)),
    warn: (...msg: unknown[]) => log.warn({ sdk: '@slack/socket-mode' }, line(msg)),
    error: (...msg: unknown[]) => log.error({ sdk: '@slack/socket-mode' }, line(msg)),
    setLevel: () => undefined,
    // Anything but DEBUG: the SDK skips building its debug strings (JSON of every ack) then.
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
