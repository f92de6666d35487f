import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SlackEvent } from '../../src/core/slack-events.js';
import type { Intake } from '../../src/intake.js';
import { createLogger } from '../../src/logger.js';
import { SLASH_COMMAND_REPLY } from '../../src/slack/events-route.js';
import { normaliseEventCallback, normaliseInteraction } from '../../src/slack/normalise-event.js';
import { createSocketModeReceiver, type SocketModeReceiver } from '../../src/slack/socket-mode.js';
import type { Interactions } from '../../src/slack/interactions/index.js';
import { createFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { createFakeSocketMode, type FakeSocketMode } from '../fakes/slack-socket.js';

const APP_TOKEN = 'xapp-1-A0FAKEAPP1-1-0123456789abcdef';
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), 'utf8')) as unknown;

/** Records what it is given, in order with `steps`; `failing` makes it throw (a database outage). */
function recordingIntake(opts: { delayMs?: number } = {}) {
  const recorded: SlackEvent[] = [];
  const steps: string[] = [];
  const control = { failing: false };
  const intake: Intake = {
    async recordSlack(event) {
      steps.push(`record ${event.eventId}`);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (control.failing) throw new Error('database is down');
      recorded.push(event);
      steps.push(`recorded ${event.eventId}`);
      return { queued: true };
    },
    async recordWhatsApp() {
      throw new Error('not used');
    },
  };
  return { intake, recorded, steps, control };
}

function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let socket: FakeSocketMode;
let slack: FakeSlack;
let receiver: SocketModeReceiver | undefined;

beforeEach(async () => {
  socket = await createFakeSocketMode({ appId: 'A0FAKEAPP1' });
  slack = await createFakeSlack({ appToken: APP_TOKEN, socketModeUrl: socket.issueUrl });
});
afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
  await slack.close();
  await socket.close();
});

function receive(intake: Intake, extra: { appToken?: string; logger?: ReturnType<typeof createLogger>; clientPingTimeoutMs?: number; interactions?: Interactions } = {}) {
  receiver = createSocketModeReceiver({
    appToken: extra.appToken ?? APP_TOKEN,
    intake,
    interactions: extra.interactions,
    logger: extra.logger ?? createLogger('silent'),
    slackApiUrl: slack.url,
    clientPingTimeoutMs: extra.clientPingTimeoutMs,
  });
  return receiver;
}

describe('Socket Mode receiver', () => {
  it('connects with the app token through apps.connections.open', async () => {
    const r = receive(recordingIntake().intake);
    expect(r.isConnected()).toBe(false);
    await r.start();
    expect(r.isConnected()).toBe(true);
    expect(slack.calls('apps.connections.open').map((c) => c.error)).toEqual([undefined]);
    expect(socket.acceptedConnections()).toBe(1);
  });

  it('records an events_api envelope, then acknowledges it', async () => {
    const { intake, recorded, steps } = recordingIntake({ delayMs: 100 });
    await receive(intake).start();
    const body = fixture('message-file-share.json');
    const delivery = await socket.deliver({ type: 'events_api', payload: body });
    steps.push('acked');
    expect(delivery).toEqual({ acked: true, envelopeId: delivery.envelopeId, payload: {} });
    const expected = normaliseEventCallback(body);
    expect(recorded).toEqual(expected.ok ? expected.events : undefined);
    expect(steps).toEqual(['record Ev0FILE0001', 'recorded Ev0FILE0001', 'acked']);
  });

  it('records an interactive (block_actions) envelope, then acknowledges it', async () => {
    const { intake, recorded } = recordingIntake();
    await receive(intake).start();
    const payload = fixture('block-actions.json');
    expect((await socket.deliver({ type: 'interactive', payload })).acked).toBe(true);
    const expected = normaliseInteraction(payload);
    expect(recorded).toEqual(expected.ok ? expected.events : undefined);
  });

  it('does not acknowledge an envelope whose recording fails, and acknowledges the redelivery', async () => {
    const { intake, recorded, control } = recordingIntake();
    await receive(intake).start();
    control.failing = true;
    const body = fixture('message.json');
    const first = await socket.deliver({ type: 'events_api', payload: body }, { timeoutMs: 500 });
    expect(first.acked).toBe(false);
    expect(recorded).toEqual([]);

    control.failing = false;
    const again = await socket.deliver({ type: 'events_api', payload: body, retryAttempt: 1, retryReason: 'timeout' });
    expect(again.acked).toBe(true);
    expect(recorded.map((e) => e.eventId)).toEqual(['Ev0MSG00001']);
  });

  it('acknowledges without recording what the bridge does not act on, and answers slash commands', async () => {
    const { intake, recorded } = recordingIntake();
    await receive(intake).start();
    expect((await socket.deliver({ type: 'events_api', payload: fixture('reaction-added-file.json') })).acked).toBe(true);
    // Malformed (no event_id): a redelivery could not fix it. (An envelope without `event` at all
    // crashes the SDK itself before any listener runs; Slack does not send those.)
    expect((await socket.deliver({ type: 'events_api', payload: { type: 'event_callback', event: { type: 'message' } } })).acked).toBe(true);
    expect((await socket.deliver({ type: 'interactive', payload: { type: 'view_submission', user: { id: 'U1' } } })).acked).toBe(true);
    const command = await socket.deliver({ type: 'slash_commands', payload: { command: '/randorilke', text: '', user_id: 'U123ABC456' } });
    expect(command).toMatchObject({ acked: true, payload: SLASH_COMMAND_REPLY });
    expect(recorded).toEqual([]);
  });

  it('reconnects when Slack sends disconnect (refresh_requested), with a new URL', async () => {
    const { intake, recorded } = recordingIntake();
    const r = receive(intake, { clientPingTimeoutMs: 300 });
    await r.start();
    socket.disconnect('refresh_requested');
    await socket.waitForConnections(2);
    await until(() => r.isConnected() && socket.openConnections() === 1);
    expect(slack.calls('apps.connections.open')).toHaveLength(2);
    expect((await socket.deliver({ type: 'events_api', payload: fixture('reaction-added.json') })).acked).toBe(true);
    expect(recorded.map((e) => e.kind)).toEqual(['reaction_added']);
  });

  it('stop() closes the connection and does not reconnect', async () => {
    const r = receive(recordingIntake().intake, { clientPingTimeoutMs: 300 });
    await r.start();
    await r.stop();
    expect(r.isConnected()).toBe(false);
    await until(() => socket.openConnections() === 0);
    await new Promise((res) => setTimeout(res, 700));
    expect(socket.acceptedConnections()).toBe(1);
    expect(slack.calls('apps.connections.open')).toHaveLength(1);
  });

  it('fails start with a clear error when Slack refuses the app token', async () => {
    const r = receive(recordingIntake().intake, { appToken: 'xapp-1-A0FAKEAPP1-1-revoked' });
    await expect(r.start()).rejects.toThrow(/Socket Mode could not connect: Slack refused the app-level token \(invalid_auth\): check SLACK_APP_TOKEN/);
    expect(r.isConnected()).toBe(false);
    expect(socket.acceptedConnections()).toBe(0);
  });

  it('fails start before calling Slack when given a bot token', async () => {
    const r = receive(recordingIntake().intake, { appToken: slack.token });
    await expect(r.start()).rejects.toThrow(/needs an app-level token \(xapp-/);
    expect(slack.calls('apps.connections.open')).toEqual([]);
  });

  it('logs no message text, not even the SDK debug lines', async () => {
    const { logger, lines } = capturingLogger();
    await receive(recordingIntake().intake, { logger }).start();
    await socket.deliver({ type: 'events_api', payload: fixture('message-changed.json') });
    const all = lines.join('\n');
    expect(all).toContain('Ev0EDIT0001');
    for (const text of ['Hello, world!', 'Hello, wrold!', APP_TOKEN]) expect(all).not.toContain(text);
  });
});

describe('fake Socket Mode protocol', () => {
  const web = (token: string) => new WebClient(token, { slackApiUrl: slack.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
  const errorOf = async (p: Promise<unknown>) => ((await p.then(() => undefined, (e: unknown) => e)) as { data?: { error?: string } } | undefined)?.data?.error;

  it('apps.connections.open takes the app token in the header only, and no other token', async () => {
    expect((await web(APP_TOKEN).apps.connections.open()).url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]+&app_id=A0FAKEAPP1$/);
    expect(await errorOf(web(slack.token).apps.connections.open())).toBe('not_allowed_token_type');
    expect(await errorOf(web('xapp-1-other').apps.connections.open())).toBe('invalid_auth');
    // The docs: "passing it as a POST parameter will result in an error".
    const asParam = await fetch(`${slack.url}apps.connections.open`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${APP_TOKEN}`,
    });
    expect(await asParam.json()).toEqual({ ok: false, error: 'not_authed' });
    // and the app token opens nothing else
    expect(await errorOf(web(APP_TOKEN).auth.test())).toBe('not_allowed_token_type');
  });

  it('greets with hello, and refuses a reused or unknown ticket', async () => {
    const url = socket.issueUrl();
    const ws = new WebSocket(url);
    const hello = await new Promise<unknown>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8'))));
      ws.once('error', reject);
    });
    expect(hello).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FAKEAPP1' }, debug_info: { host: 'applink-fake-1' } });
    ws.close();
    for (const bad of [url, url.replace(/ticket=[^&]+/, 'ticket=made-up')]) {
      const refused = await new Promise<string>((resolve) => {
        const again = new WebSocket(bad);
        again.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        again.once('open', () => resolve('open'));
        again.once('error', () => undefined);
      });
      expect(refused).toBe('401');
    }
  });

  it('deliver rejects when nobody is connected', async () => {
    await expect(socket.deliver({ type: 'events_api', payload: {} })).rejects.toThrow(/no connection is open/);
  });

  it('hands /whatsapp, shortcuts and modal submissions to the interactions and acknowledges with their answer', async () => {
    const handled: string[] = [];
    const homes: string[] = [];
    let failing = false;
    const interactions: Interactions = {
      async handle(i) {
        if (failing) throw new Error('database is down');
        handled.push(i.type === 'view_submission' || i.type === 'shortcut' ? `${i.type}:${i.callbackId}` : i.type);
        return i.type === 'view_submission' ? { response_action: 'errors', errors: { phone: 'invalid' } } : undefined;
      },
      async homeOpened(user) {
        homes.push(user);
      },
    };
    const { intake, recorded } = recordingIntake();
    await receive(intake, { interactions }).start();
    const command = await socket.deliver({ type: 'slash_commands', payload: { command: '/whatsapp', text: 'start', user_id: 'U123ABC456', channel_id: 'C0123456789', trigger_id: '1.2.abc' } });
    expect(command).toMatchObject({ acked: true, payload: {} });
    const shortcut = await socket.deliver({ type: 'interactive', payload: { type: 'shortcut', callback_id: 'switchboard_start', trigger_id: '1.3.abc', user: { id: 'U123ABC456' } } });
    expect(shortcut.acked).toBe(true);
    const view = { id: 'V0000000001', callback_id: 'switchboard_start', private_metadata: '{}', state: { values: {} } };
    const submitted = await socket.deliver({ type: 'interactive', payload: { type: 'view_submission', user: { id: 'U123ABC456' }, view } });
    expect(submitted).toMatchObject({ acked: true, payload: { response_action: 'errors', errors: { phone: 'invalid' } } });
    await socket.deliver({ type: 'events_api', payload: { type: 'event_callback', event_id: 'Ev0HOME0001', event: { type: 'app_home_opened', user: 'U123ABC456', tab: 'home' } } });
    await until(() => homes.length === 1);
    expect(handled).toEqual(['command', 'shortcut:switchboard_start', 'view_submission:switchboard_start']);
    // What could not be recorded is not acknowledged: Slack tells the user, who submits again.
    failing = true;
    expect((await socket.deliver({ type: 'interactive', payload: { type: 'view_submission', user: { id: 'U123ABC456' }, view } }, { timeoutMs: 300 })).acked).toBe(false);
    expect(recorded).toEqual([]);
  });
});
