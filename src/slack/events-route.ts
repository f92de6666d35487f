import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_LOCALE, startMessages, type Locale } from '../core/format/i18n.js';
import type { SlackEvent } from '../core/slack-events.js';
import type { Intake } from '../intake.js';
import { httpReceiver, type Receiver } from '../receiver.js';
import { describeStoreError } from '../store/errors.js';
import type { Logger } from '../logger.js';
import { normaliseEventCallback, normaliseInteraction, type Normalised } from './normalise-event.js';
import { sendUnauthorized } from '../http/auth.js';
import { verifySlackSignature } from './signature.js';
import { homeOpenedBy, routeInteraction, type Interactions } from './interactions/index.js';

export interface SlackEventsOptions {
  signingSecret: string;
  intake: Intake;
  logger: Logger;
  /** Clock for the signature's 5-minute window (ms since the epoch). */
  now?: () => number;
  /** Shortcuts, modals, /whatsapp and the Home tab (src/slack/interactions/). */
  interactions?: Interactions;
  /** LOCALE: the language of the answer to another slash command. */
  locale?: Locale;
}

/** The Events API over HTTP as a receiver: its route is registered at `init`, with the app's intake. */
export function createSlackHttpReceiver(opts: Omit<SlackEventsOptions, 'intake'>): Receiver {
  return httpReceiver(({ server, intake }) => registerSlackEvents(server, { ...opts, intake }));
}

/** What another slash command pointed at the bridge is told: it answers /whatsapp only. */
/** The answer to a slash command the bridge does not run, in the bridge's language. */
export const slashCommandReply = (locale: Locale = DEFAULT_LOCALE) => ({ response_type: 'ephemeral', text: startMessages(locale).otherCommand }) as const;
export const SLASH_COMMAND_REPLY = slashCommandReply();

/**
 * POST /slack/events: the Events API Request URL, and the Interactivity Request URL too (Slack lets
 * both point here; the body tells them apart).
 *
 * Every request must carry a valid signature (src/slack/signature.ts) over the raw bytes. A 200 is
 * sent only after every event in the request is durably recorded. A failure to record answers 500:
 * for events Slack retries (up to three times, with X-Slack-Retry-Num) and the intake drops any
 * repeat by event id; for a button click Slack does not retry but shows the user that the click
 * failed, so they can click again (a new action_ts, so a new event). Events the bridge does not act
 * on are answered 200 too, or Slack would keep retrying them
 * (https://docs.slack.dev/apis/events-api/#responding, https://docs.slack.dev/interactivity/handling-user-interaction).
 */
export function registerSlackEvents(app: FastifyInstance, opts: SlackEventsOptions): void {
  const log = opts.logger.child({ component: 'slack-events' });

  /** Records in order and answers; false when recording failed and a 500 was sent. */
  async function record(reply: FastifyReply, normalised: Extract<Normalised, { ok: true }>, via: string): Promise<boolean> {
    if (normalised.dropped.length > 0) log.info({ via, dropped: normalised.dropped }, 'Slack payload partly or wholly not for the bridge');
    for (const event of normalised.events) {
      let result: Awaited<ReturnType<Intake['recordSlack']>>;
      try {
        result = await opts.intake.recordSlack(event);
      } catch (err) {
        const store = describeStoreError(err);
        const status = store?.transient ? 503 : 500;
        log.error({ err, cause: store?.cause, eventId: event.eventId, kind: event.kind }, `could not record a Slack event: answering ${status} so Slack retries`);
        await reply.status(status).send({ error: 'could not record the event; retry later' });
        return false;
      }
      log.info(outcomeFields(event, result), result.queued ? 'Slack event queued' : 'Slack event not acted on');
    }
    return true;
  }

  app.post('/slack/events', { config: { signedBody: true } }, async (req, reply) => {
    const raw = req.rawBody ?? Buffer.alloc(0);
    const verified = verifySlackSignature({
      signingSecret: opts.signingSecret,
      body: raw,
      timestamp: header(req, 'x-slack-request-timestamp'),
      signature: header(req, 'x-slack-signature'),
      now: opts.now,
    });
    if (!verified.ok) {
      log.warn({ reason: verified.reason }, 'Slack request refused: signature check failed (is SLACK_SIGNING_SECRET right?)');
      return sendUnauthorized(reply);
    }
    const retryNum = header(req, 'x-slack-retry-num');
    if (retryNum !== undefined) log.debug({ retryNum, retryReason: header(req, 'x-slack-retry-reason') }, 'Slack is retrying a delivery');

    const body = req.body;
    const contentType = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType === 'application/x-www-form-urlencoded' && isRecord(body)) return form(body, reply);
    if (req.bodyError) return reply.status(400).send({ error: req.bodyError });
    if (contentType !== 'application/json' || !isRecord(body)) {
      return reply.status(400).send({ error: 'expected a JSON Events API body or a form-encoded interactivity payload' });
    }

    switch (body.type) {
      case 'url_verification':
        // https://docs.slack.dev/reference/events/url_verification: echo the challenge.
        if (typeof body.challenge !== 'string') return reply.status(400).send({ error: 'url_verification without a challenge' });
        log.info('Events API Request URL verified by Slack');
        return reply.send({ challenge: body.challenge });
      case 'app_rate_limited':
        // Slack stopped delivering events for a minute: nothing to record, but someone should know.
        log.warn({ minuteRateLimited: body.minute_rate_limited }, 'Slack is rate-limiting event deliveries to the bridge: events were dropped');
        return reply.send({ ok: true });
      case 'event_callback': {
        const homeUser = opts.interactions ? homeOpenedBy(body) : undefined;
        if (homeUser) {
          // Drawn after the answer: Slack only needs the acknowledgement.
          opts.interactions!.homeOpened(homeUser).catch((err: unknown) => log.warn({ err }, 'could not publish the Home tab'));
          return reply.send({ ok: true });
        }
        const normalised = normaliseEventCallback(body);
        if (!normalised.ok) {
          log.warn({ reason: normalised.reason }, 'Slack event refused: malformed event_callback');
          return reply.status(400).send({ error: normalised.reason });
        }
        if (!(await record(reply, normalised, 'events'))) return reply;
        return reply.send({ ok: true });
      }
      default:
        return reply.status(400).send({ error: `unknown Events API body type ${JSON.stringify(body.type)}` });
    }
  });

  async function form(fields: Record<string, unknown>, reply: FastifyReply): Promise<FastifyReply> {
    if (typeof fields.payload === 'string') {
      let payload: unknown;
      try {
        payload = JSON.parse(fields.payload);
      } catch (err) {
        return reply.status(400).send({ error: `interactivity payload is not valid JSON: ${(err as Error).message}` });
      }
      const routed = opts.interactions ? routeInteraction(payload, undefined) : undefined;
      if (routed) return interact(reply, routed);
      const normalised = normaliseInteraction(payload);
      if (!normalised.ok) {
        log.warn({ reason: normalised.reason }, 'Slack interaction refused: malformed payload');
        return reply.status(400).send({ error: normalised.reason });
      }
      if (!(await record(reply, normalised, 'interactivity'))) return reply;
      // An empty 200 acknowledges without touching the message the button is on.
      return reply.status(200).send();
    }
    const command = opts.interactions ? routeInteraction(undefined, fields) : undefined;
    if (command) return interact(reply, command);
    if (typeof fields.command === 'string') {
      log.info({ command: fields.command }, 'slash command answered: the bridge answers /whatsapp only');
      return reply.send(slashCommandReply(opts.locale));
    }
    return reply.status(400).send({ error: 'form body has neither payload (interactivity) nor command (slash command)' });
  }

  /** Opens or updates a view (in time for its trigger), or records what a modal asked for; then answers. */
  async function interact(reply: FastifyReply, interaction: Parameters<Interactions['handle']>[0]): Promise<FastifyReply> {
    let answer;
    try {
      answer = await opts.interactions!.handle(interaction);
    } catch (err) {
      const store = describeStoreError(err);
      log.error({ err, cause: store?.cause, type: interaction.type }, 'Slack interaction failed: answering 500 (Slack tells the user, who can try again)');
      return reply.status(store?.transient ? 503 : 500).send({ error: 'could not handle the interaction; try again' });
    }
    return answer ? reply.send(answer) : reply.status(200).send();
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Log fields for a recorded event: ids and the outcome, never text. */
function outcomeFields(event: SlackEvent, result: Awaited<ReturnType<Intake['recordSlack']>>): Record<string, unknown> {
  return { eventId: event.eventId, kind: event.kind, channel: event.channel, queued: result.queued, reason: result.queued ? undefined : result.reason };
}
