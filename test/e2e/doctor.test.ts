import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeGraph, type FakeGraph } from '../fakes/graph.js';
import { DEFAULT_SCOPES, createFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { openSqlStore } from '../../src/store/sql-store.js';
import { testEnv } from '../support/env.js';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dir = mkdtempSync(join(tmpdir(), 'switchboard-doctor-'));
let slack: FakeSlack;
let graph: FakeGraph;
beforeAll(async () => {
  slack = await createFakeSlack({
    scopes: [...DEFAULT_SCOPES, 'channels:read', 'groups:read'],
    channels: [
      { id: 'C0123456789', name: 'support' },
      { id: 'C0999999999', name: 'elsewhere', isMember: false },
    ],
  });
  graph = await createFakeGraph({ token: 'test-graph-token', phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881', verifiedName: 'Lucky Shrub Clinic' });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([slack.close(), graph.close()]);
});

/** Everything pointed at the fakes, on an embedded store in the scratch directory. */
const vendorEnv = (overrides: Record<string, string | undefined> = {}) =>
  testEnv({
    DATABASE_URL: `sqlite:${join(dir, 'vendors.db')}`,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.url,
    WHATSAPP_GRAPH_URL: graph.url,
    ...overrides,
  });

function doctor(env: Record<string, string | undefined>): Promise<{ code: number; stdout: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|WHATSAPP|JIRA|DATABASE)/.test(k)));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsxLoader, join(process.cwd(), 'src/doctor.ts')], { cwd: dir, env: { ...clean, ...env } as NodeJS.ProcessEnv }, (err, stdout) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

describe('npm run doctor', () => {
  it('prints ✗ with the fix for a bad configuration and exits 1', async () => {
    const { code, stdout } = await doctor(testEnv({ SLACK_BOT_TOKEN: 'nope' }));
    expect(code).toBe(1);
    expect(stdout).toContain('✗ configuration: SLACK_BOT_TOKEN: expected a Slack bot token starting with "xoxb-"');
    expect(stdout).toContain('fix: set the variables named above');
  });

  it('reports an unreachable store with a fix', async () => {
    const { code, stdout } = await doctor(testEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }));
    expect(code).toBe(1);
    expect(stdout).toContain('✓ configuration');
    expect(stdout).toMatch(/✗ store connection: postgres: .*\n {4}fix: check DATABASE_URL/);
  });

  it('checks the embedded store and its migrations', async () => {
    const { stdout } = await doctor(testEnv({ DATABASE_URL: `sqlite:${join(dir, 'doctor.db')}` }));
    expect(stdout).toContain('✓ store connection: sqlite answers');
    expect(stdout).toMatch(/✓ store migrations: \d+ pending \([\d, ]+\); the service applies them when it starts/);
  });

  it('says the embedded store is in use by a running Switchboard, as information, and still checks it', async () => {
    const url = `sqlite:${join(dir, 'running.db')}`;
    // What the service holds while it runs.
    const running = openSqlStore(url, { exclusive: true });
    try {
      await running.migrate();
      const { stdout } = await doctor(testEnv({ DATABASE_URL: url }));
      expect(stdout).toContain('✓ store connection: sqlite answers; in use by a running Switchboard');
      expect(stdout).toContain('✓ store migrations: all applied');
    } finally {
      await running.close();
    }
    expect((await doctor(testEnv({ DATABASE_URL: url }))).stdout).toContain('✓ store connection: sqlite answers\n');
  });

  it('passes every check when the credentials, scopes and channel are right', async () => {
    const { code, stdout } = await doctor(vendorEnv());
    expect(stdout).toContain('✓ slack token: bot');
    expect(stdout).toContain('✓ slack scopes: all granted');
    expect(stdout).toContain('✓ slack channel: #support (C0123456789), bot is a member');
    expect(stdout).toContain('✓ whatsapp cloud api: +15550783881 (Lucky Shrub Clinic)');
    expect(stdout).not.toContain('✗');
    expect(code).toBe(0);
  });

  it('finds a channel by name and says when the bot must be invited', async () => {
    const { code, stdout } = await doctor(vendorEnv({ SLACK_CHANNEL: '#elsewhere' }));
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ slack channel: the bot is not a member of #elsewhere \(C0999999999\)\n {4}fix: invite it: type \/invite/);
  });

  it('explains a wrong Slack token and a wrong WhatsApp token', async () => {
    const { code, stdout } = await doctor(vendorEnv({ SLACK_BOT_TOKEN: 'xoxb-revoked', WHATSAPP_TOKEN: 'expired' }));
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ slack token: .*invalid_auth.*\n {4}fix: SLACK_BOT_TOKEN is wrong, revoked or from another app/);
    expect(stdout).toMatch(/✗ whatsapp cloud api: .*\n {4}fix: WHATSAPP_TOKEN is invalid or expired/);
    expect(stdout).not.toContain('expired\n');
  });

  it('says a WhatsApp Web session is not paired yet, and how to pair', async () => {
    const { code, stdout } = await doctor(vendorEnv({ WHATSAPP_TRANSPORT: 'web', WHATSAPP_TOKEN: undefined, WHATSAPP_PHONE_NUMBER_ID: undefined }));
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ whatsapp web: not paired yet\n {4}fix: start the service, open \/admin/);
  });
});
