import { readFileSync } from 'node:fs';
import { createApp, type App, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createFakeGraph, type FakeGraph, type FakeGraphOptions } from '../fakes/graph.js';
import { createFakeJira, type FakeJira } from '../fakes/jira.js';
import { createFakeSlack, type FakeSlack, type FakeSlackOptions } from '../fakes/slack.js';
import { testEnv } from './env.js';
import { signMetaBody } from './meta-signature.js';
import { slackHeaders } from './slack-events.js';
import { sqliteFixture, type CreatedStore, type StoreFixture } from './stores.js';

export const CHANNEL = 'C0123456789';
export const APP_SECRET = 'test-app-secret';
export const PHONE_NUMBER_ID = '106540352242922';
export const JIRA_EMAIL = 'integration@example.com';
export const JIRA_TOKEN = 'jira-test-token';
export const JIRA_SECRET = 'jira-webhook-secret';

/** A fake JSM site with service desk 1 (SUP) and request type 10, the harness's Jira settings. */
export function fakeJiraSite(customersPermitted = true): Promise<FakeJira> {
  return createFakeJira({
    email: JIRA_EMAIL,
    apiToken: JIRA_TOKEN,
    customersPermitted,
    serviceDesks: [{ id: '1', projectKey: 'SUP', name: 'Clinic support', requestTypes: [{ id: '10', name: 'WhatsApp conversation' }] }],
  });
}

export interface Harness {
  app: App;
  slack: FakeSlack;
  graph: FakeGraph;
  base: string;
  database: CreatedStore;
  /** POSTs a webhook body signed with the app secret (or the given signature). */
  webhook(body: unknown, opts?: { signature?: string | null; raw?: string }): Promise<Response>;
  /** POSTs a signed Slack Events API body (or a form body when `form` is set) to /slack/events. */
  slackEvent(body: unknown, opts?: { form?: string; timestamp?: number; retryNum?: number }): Promise<Response>;
  /** Resolves when no job is pending or running. */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * What Meta knows once it delivered a webhook: these users wrote (at their messages' timestamps),
 * so the fake Graph's 24-hour window is open for them, as it is in the app's view.
 */
function tellGraphWhoWrote(graph: FakeGraph, raw: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return; // a malformed body is the test's point: nobody wrote
  }
  const entries = (parsed as { entry?: unknown } | null)?.entry;
  for (const entry of Array.isArray(entries) ? entries : []) {
    const changes = (entry as { changes?: unknown } | null)?.changes;
    for (const change of Array.isArray(changes) ? changes : []) {
      const messages = (change as { value?: { messages?: unknown } } | null)?.value?.messages;
      for (const m of Array.isArray(messages) ? messages : []) {
        const { from, from_user_id: userId, timestamp } = (m ?? {}) as { from?: unknown; from_user_id?: unknown; timestamp?: unknown };
        const seconds = Number(timestamp);
        const at = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
        // The window is the person's, whichever identifier a send uses.
        for (const id of [from, userId]) if (typeof id === 'string' && id !== '') graph.userWrote(id, at);
      }
    }
  }
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/whatsapp-cloud/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export async function startHarness(
  opts: {
    env?: Record<string, string | undefined>;
    slack?: FakeSlackOptions;
    /** The fake Graph's templates and account id. */
    graph?: Pick<FakeGraphOptions, 'templates' | 'wabaId' | 'morePhoneNumberIds' | 'moreAccounts'>;
    store?: StoreFixture;
    jira?: FakeJira;
    logs?: NodeJS.WritableStream;
    overrides?: AppOverrides;
    /** A second instance: this harness's app uses `shareWith`'s fake Slack and database (which its close leaves alone). */
    shareWith?: Harness;
  } = {},
): Promise<Harness> {
  const shared = opts.shareWith;
  // ts near the real clock, so reading history back by time (crash recovery) works as with Slack.
  const slack = shared?.slack ?? (await createFakeSlack({ channels: [{ id: CHANNEL, name: 'support' }], tsBase: Math.floor(Date.now() / 1000) - 60, ...opts.slack }));
  const graph = await createFakeGraph({ token: 'test-graph-token', phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: '15550783881', ...opts.graph });
  const db = shared?.database ?? (await (opts.store ?? sqliteFixture).create());
  const { config } = loadConfig(
    testEnv({
      SLACK_BOT_TOKEN: slack.token,
      SLACK_API_URL: slack.url,
      WHATSAPP_GRAPH_URL: graph.url,
      DATABASE_URL: db.url,
      QUEUE_CONCURRENCY: '4',
      // Fast pacing keeps tests quick; pacing itself has its own tests.
      SLACK_POSTS_PER_SECOND: '1000',
      SLACK_POST_BURST: '1000',
      ...(opts.jira
        ? {
            JIRA_BASE_URL: opts.jira.url,
            JIRA_EMAIL: JIRA_EMAIL,
            JIRA_API_TOKEN: JIRA_TOKEN,
            JIRA_SERVICE_DESK_ID: '1',
            JIRA_REQUEST_TYPE_ID: '10',
            JIRA_WEBHOOK_SECRET: JIRA_SECRET,
            JIRA_COMMENT_BATCH_MS: '200',
          }
        : {}),
      ...opts.env,
    }),
  );
  const app = await createApp(config, opts.logs ? createLogger('info', opts.logs) : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), opts.overrides);
  const address = await app.start(0);
  const base = address.replace('0.0.0.0', '127.0.0.1');
  return {
    app,
    slack,
    graph,
    base,
    database: db,
    async webhook(body, o = {}) {
      const raw = o.raw ?? JSON.stringify(body);
      tellGraphWhoWrote(graph, raw);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const signature = o.signature === undefined ? signMetaBody(raw, APP_SECRET) : o.signature;
      if (signature !== null) headers['x-hub-signature-256'] = signature;
      return fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers, body: raw });
    },
    slackEvent(body, o = {}) {
      const raw = o.form ?? JSON.stringify(body);
      const headers = slackHeaders(raw, { timestamp: o.timestamp, contentType: o.form ? 'application/x-www-form-urlencoded' : 'application/json' });
      if (o.retryNum !== undefined) Object.assign(headers, { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': 'http_timeout' });
      return fetch(`${base}/slack/events`, { method: 'POST', headers, body: raw });
    },
    async drain(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const d = await app.outbox.depth();
        if (d.pending === 0 && d.running === 0) return;
        if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(d)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await app.stop();
      await Promise.all([shared ? undefined : slack.close(), graph.close()]);
      if (!shared) await db.drop();
    },
  };
}
