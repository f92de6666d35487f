import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onTestFinished } from 'vitest';
import { createFakeGraph } from '../fakes/graph.js';
import { createFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { testEnv } from './env.js';
import { signMetaBody } from './meta-signature.js';

// Resolved here, not in the child: the child runs in a scratch directory with no node_modules.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ServiceProcess {
  child: ChildProcessWithoutNullStreams;
  out: { stdout: string; stderr: string };
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Waits for the listening line and returns the base URL to call. */
  listening(ms?: number): Promise<string>;
  /** The JSON log lines written so far. */
  logs(): Record<string, unknown>[];
}

export interface ServiceProcessOptions {
  /** Another entry point than src/main.ts (relative to the repository, or absolute). */
  entry?: string;
  /** Node options before the tsx loader, e.g. another `--import`. */
  nodeArgs?: string[];
  /** Plain node, without the tsx loader: for a built entry point (JavaScript). */
  built?: boolean;
}

/**
 * The service as an operator runs it: a separate process, configured by its environment only
 * (and the `.env` in `cwd`). `as` runs it as another user (the test must run as root for that).
 */
export function startService(env: Record<string, string | undefined>, cwd: string, as?: { uid: number; gid: number }, opts: ServiceProcessOptions = {}): ServiceProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|WHATSAPP|JIRA|DATABASE|PORT|LOG_LEVEL|QUEUE)/.test(k)));
  const entry = resolve(process.cwd(), opts.entry ?? 'src/main.ts');
  const loader = opts.built ? [] : ['--import', tsxLoader];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...loader, entry], {
    cwd,
    env: { ...clean, ...env } as NodeJS.ProcessEnv,
    ...as,
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const logs = () =>
    out.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    child,
    out,
    exited,
    logs,
    async listening(ms) {
      const line = await waitFor(() => logs().find((l) => l.msg === 'switchboard listening'), 'the listening line', ms);
      return (line.address as string).replace('0.0.0.0', '127.0.0.1');
    },
  };
}

/** Polls `check` until it returns something, or fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** POSTs a WhatsApp webhook signed as Meta signs it; resolves with the status, -1 when nothing answered. */
export function postWebhook(base: string, body: unknown): Promise<number> {
  const raw = JSON.stringify(body);
  return fetch(`${base}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaBody(raw, 'test-app-secret') },
    body: raw,
  }).then(
    (res) => res.status,
    () => -1,
  );
}

/** The texts of every thread reply under the channel's cards. */
export const relayedTexts = (slack: FakeSlack, channel: string) =>
  slack
    .topLevel(channel)
    .flatMap((card) => slack.threadReplies(channel, card.ts))
    .map((m) => m.text ?? '');

export const SUPPORT_CHANNEL = 'C0123456789';

/**
 * Fake Slack and Graph for a service process, closed when the test ends, and the environment that
 * points the service at them (info logs, pacing fast enough not to matter).
 */
export async function fakeVendorsForProcess(): Promise<{ slack: FakeSlack; env(overrides?: Record<string, string | undefined>): Record<string, string | undefined> }> {
  // Message ts near the real clock: a retried job looks for what an earlier attempt posted since that
  // attempt began (findPosted's `oldest`), and would never find posts dated 2023.
  const slack = await createFakeSlack({ channels: [{ id: SUPPORT_CHANNEL, name: 'support' }], tsBase: Math.floor(Date.now() / 1000) - 60 });
  const graph = await createFakeGraph({ token: 'test-graph-token', phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' });
  onTestFinished(async () => {
    await Promise.all([slack.close(), graph.close()]);
  });
  return {
    slack,
    env: (overrides = {}) =>
      testEnv({
        PORT: '0',
        LOG_LEVEL: 'info',
        SLACK_BOT_TOKEN: slack.token,
        SLACK_API_URL: slack.url,
        WHATSAPP_GRAPH_URL: graph.url,
        SLACK_POSTS_PER_SECOND: '1000',
        SLACK_POST_BURST: '1000',
        ...overrides,
      }),
  };
}
