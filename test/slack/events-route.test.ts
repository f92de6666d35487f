import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { SlackEvent } from '../../src/core/slack-events.js';
import { createHttpServer } from '../../src/http/server.js';
import type { Intake } from '../../src/intake.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { registerSlackEvents, SLASH_COMMAND_REPLY, type SlackEventsOptions } from '../../src/slack/events-route.js';
import { normaliseEventCallback, normaliseInteraction } from '../../src/slack/normalise-event.js';
import { signSlackBody } from '../../src/slack/signature.js';

const SECRET = 'test-signing-secret';
const NOW = 1_700_000_000; // seconds: the route's clock is fixed, so timestamps are exact
const fixtureText = (name: string) => readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), 'utf8');

/** An Intake that keeps what it is given; `fail` makes recordSlack throw (a database outage). */
function recordingIntake(fail?: Error) {
  const recorded: SlackEvent[] = [];
  const intake: Intake = {
    async recordSlack(event) {
      if (fail) throw fail;
      recorded.push(event);
      return { queued: true };
    },
    async recordWhatsApp() {
      throw new Error('not used');
    },
  };
  return { intake, recorded };
}

interface Started {
  base: string;
  logs: string[];
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(intake: Intake, extra: Pick<SlackEventsOptions, 'locale'> = {}): Promise<Started> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  app = createHttpServer({ logger, metrics: createMetrics(), bodyLimit: 1024 * 1024, readiness: [] });
  registerSlackEvents(app, { signingSecret: SECRET, intake, logger, now: () => NOW * 1000, ...extra });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { base: address, logs };
}

/** POSTs `raw` signed as Slack would, at `timestamp` (default: the route's now). */
function post(
  s: Started,
  raw: string,
  opts: { contentType?: string; timestamp?: number; secret?: string; signature?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const ts = String(opts.timestamp ?? NOW);
  return fetch(`${s.base}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': opts.signature ?? signSlackBody(opts.secret ?? SECRET, ts, raw),
      ...opts.headers,
    },
    body: raw,
  });
}
const FORM = 'application/x-www-form-urlencoded';
const errorOf = async (res: Response) => ((await res.json()) as { error?: string }).error;

describe('POST /slack/events', () => {
  it('refuses a bad signature with 401 and records nothing', async () => {
    const { intake, recorded } = recordingIntake();
    const s = await start(intake);
    const res = await post(s, fixtureText('message.json'), { secret: 'someone-else' });
    expect(res.status).toBe(401);
    // Neutral: the caller is not told which check failed (the log says it).
    expect(await res.json()).toEqual({ error: 'unauthorized' });
    expect(s.logs.join('')).toContain('X-Slack-Signature does not match the signing secret');
    expect(recorded).toEqual([]);
  });

  it('refuses a missing signature with 401', async () => {
    const s = await start(recordingIntake().intake);
    const res = await fetch(`${s.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixtureText('message.json') });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toBe('unauthorized');
    expect(s.logs.join('')).toContain('X-Slack-Request-Timestamp header missing');
  });

  it('refuses a replay: correctly signed, but signed more than 5 minutes ago', async () => {
    const { intake, recorded } = recordingIntake();
    const s = await start(intake);
    const res = await post(s, fixtureText('message.json'), { timestamp: NOW - 6 * 60 });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toBe('unauthorized');
    expect(s.logs.join('')).toMatch(/more than 5 minutes from now/);
    expect(recorded).toEqual([]);
  });

  it('answers url_verification with the challenge, once signed', async () => {
    const s = await start(recordingIntake().intake);
    const raw = fixtureText('url-verification.json');
    const res = await post(s, raw);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect((await post(s, raw, { secret: 'wrong' })).status).toBe(401);
  });

  it.each(['message.json', 'message-file-share.json', 'message-changed.json', 'reaction-added.json'])(
    'records the event of %s exactly as normalised, then answers 200',
    async (name) => {
      const { intake, recorded } = recordingIntake();
      const s = await start(intake);
      const raw = fixtureText(name);
      const res = await post(s, raw);
      expect(res.status).toBe(200);
      const expected = normaliseEventCallback(JSON.parse(raw));
      expect(expected.ok && expected.events.length).toBe(1);
      expect(recorded).toEqual(expected.ok ? expected.events : []);
    },
  );

  it('answers a retry (X-Slack-Retry-Num) 200 as well; the intake deduplicates by event id', async () => {
    const { intake, recorded } = recordingIntake();
    const s = await start(intake);
    const raw = fixtureText('message.json');
    expect((await post(s, raw)).status).toBe(200);
    const retry = await post(s, raw, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    expect(recorded.map((e) => e.eventId)).toEqual(['Ev0MSG00001', 'Ev0MSG00001']);
    expect(s.logs.some((l) => l.includes('"retryNum":"1"') && l.includes('http_timeout'))).toBe(true);
  });

  it('answers 200 without recording for events the bridge does not handle, and for app_rate_limited', async () => {
    const { intake, recorded } = recordingIntake();
    const s = await start(intake);
    expect((await post(s, fixtureText('reaction-added-file.json'))).status).toBe(200);
    const other = JSON.stringify({ type: 'event_callback', event_id: 'Ev9', event: { type: 'app_home_opened', user: 'U1' } });
    expect((await post(s, other)).status).toBe(200);
    expect((await post(s, fixtureText('app-rate-limited.json'))).status).toBe(200);
    expect(recorded).toEqual([]);
  });

  it('records a block_actions click sent form-encoded and answers an empty 200', async () => {
    const { intake, recorded } = recordingIntake();
    const s = await start(intake);
    const payload = fixtureText('block-actions.json');
    const res = await post(s, `payload=${encodeURIComponent(payload)}`, { contentType: FORM });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const expected = normaliseInteraction(JSON.parse(payload));
    expect(recorded).toEqual(expected.ok ? expected.events : undefined);
    expect(recorded).toHaveLength(1);
  });

  it('answers a slash command with an ephemeral note and records nothing', async () => {
    const { intake, recorded } = recordingIntake();
    const s = await start(intake);
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&channel_id=C0123456789&user_id=U2CERLKJA&command=%2Fwebhook-collect&text=';
    const res = await post(s, body, { contentType: FORM });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(SLASH_COMMAND_REPLY);
    expect(SLASH_COMMAND_REPLY.response_type).toBe('ephemeral');
    expect(recorded).toEqual([]);
  });

  it('answers it in the bridge’s language (LOCALE)', async () => {
    const s = await start(recordingIntake().intake, { locale: 'pt-BR' });
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&channel_id=C0123456789&user_id=U2CERLKJA&command=%2Fwebhook-collect&text=';
    const res = await post(s, body, { contentType: FORM });
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: 'Esta ponte responde só a /whatsapp: responda na thread de um contato para falar com ele no WhatsApp.' });
  });

  it.each([
    ['interactivity payload that is not JSON', 'payload=%7Bnot-json', FORM, /^interactivity payload is not valid JSON/],
    ['form body with neither payload nor command', 'foo=bar', FORM, /neither payload .* nor command/],
    ['event_callback without event_id', JSON.stringify({ type: 'event_callback', event: { type: 'message' } }), 'application/json', /without event_id/],
    ['unknown body type', JSON.stringify({ type: 'something_new' }), 'application/json', /unknown Events API body type "something_new"/],
    ['JSON array', '[1,2]', 'application/json', /expected a JSON Events API body/],
    ['text body', 'hello', 'text/plain', /expected a JSON Events API body/],
  ])('answers 400 with the reason for a %s', async (_what, raw, contentType, reason) => {
    const { intake, recorded } = recordingIntake();
    const s = await start(intake);
    const res = await post(s, raw, { contentType });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatch(reason);
    expect(recorded).toEqual([]);
  });

  it('answers 500 when recording fails, so that Slack retries', async () => {
    const s = await start(recordingIntake(new Error('database is down')).intake);
    const res = await post(s, fixtureText('message.json'));
    expect(res.status).toBe(500);
    const form = await post(s, `payload=${encodeURIComponent(fixtureText('block-actions.json'))}`, { contentType: FORM });
    expect(form.status).toBe(500);
    expect(s.logs.some((l) => l.includes('database is down') && l.includes('"level":50'))).toBe(true);
  });

  it('answers 503 naming the cause when the store is unreachable', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const s = await start(recordingIntake(refused).intake);
    const res = await post(s, fixtureText('message.json'));
    expect(res.status).toBe(503);
    expect(s.logs.some((l) => l.includes('"cause":"connection refused"'))).toBe(true);
  });

  it('logs no message text, even at debug', async () => {
    const { intake } = recordingIntake();
    const s = await start(intake);
    await post(s, fixtureText('message.json'));
    await post(s, fixtureText('message-changed.json'));
    await post(s, `payload=${encodeURIComponent(fixtureText('block-actions.json'))}`, { contentType: FORM });
    const all = s.logs.join('\n');
    expect(all).toContain('Ev0MSG00001');
    for (const text of ['Hello world', 'Hello, world!', 'Hello, wrold!', 'Who if I cried out', 'click_me_123']) expect(all).not.toContain(text);
  });
});
