import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeGraph, type FakeGraph } from '../fakes/graph.js';
import { DEFAULT_SCOPES, createFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { openSqlStore } from '../../src/store/sql-store.js';
import { runEntryPoint } from '../support/entry-point.js';
import { testEnv } from '../support/env.js';

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
  // Not Meta's example id (.env.example's placeholder, which the doctor flags).
  graph = await createFakeGraph({ token: 'test-graph-token', phoneNumberId: '123456789012345', displayPhoneNumber: '15550783881', verifiedName: 'Lucky Shrub Clinic' });
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
    WHATSAPP_PHONE_NUMBER_ID: '123456789012345',
    ...overrides,
  });

function doctor(env: Record<string, string | undefined>, cwd = dir): Promise<{ code: number; stdout: string }> {
  return runEntryPoint('src/doctor.ts', [], { env, cwd, timeoutMs: 60_000 });
}

describe('npm run doctor', () => {
  it('prints ✗ with the fix for a bad configuration and exits 1', async () => {
    const { code, stdout } = await doctor(testEnv({ SLACK_BOT_TOKEN: 'nope' }));
    expect(code).toBe(1);
    expect(stdout).toContain('✗ configuration: SLACK_BOT_TOKEN: expected a Slack bot token starting with "xoxb-"');
    expect(stdout).toContain('fix: set the variables named above');
  });

  it('lists every configuration problem on its own line in one run, cross-field ones too', async () => {
    const { code, stdout } = await doctor(testEnv({ SLACK_BOT_TOKEN: 'nope', WHATSAPP_APP_SECRET: undefined, PORT: 'x' }));
    expect(code).toBe(1);
    expect(stdout).toContain(
      [
        '✗ configuration: PORT: expected a TCP port number (1-65535)',
        '✗ configuration: SLACK_BOT_TOKEN: expected a Slack bot token starting with "xoxb-"',
        '✗ configuration: WHATSAPP_APP_SECRET is required with WHATSAPP_TRANSPORT=cloud: the Meta app secret, to check webhook signatures',
        '    fix: set the variables named above',
      ].join('\n'),
    );
  });

  it('flags the placeholders of a .env copied from .env.example, and still runs the other checks', async () => {
    const copy = mkdtempSync(join(dir, 'fresh-'));
    copyFileSync(join(process.cwd(), '.env.example'), join(copy, '.env'));
    // Only the vendors' addresses come from outside, so nothing leaves the machine.
    const { code, stdout } = await doctor({ SLACK_API_URL: slack.url, WHATSAPP_GRAPH_URL: graph.url, LOG_LEVEL: 'silent' }, copy);
    expect(code).toBe(1);
    for (const key of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'WHATSAPP_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN']) {
      expect(stdout).toMatch(new RegExp(`^✗ configuration: ${key} still has the placeholder from \\.env\\.example`, 'm'));
    }
    expect(stdout).toContain('✓ store connection: sqlite answers');
    expect(stdout).toMatch(/^✗ slack token: /m);
  });

  it('says quickly that an embedded store cannot be created where DATABASE_URL points', async () => {
    // /proc answers ENOENT to mkdir under a directory that exists: Node's recursive mkdir spun there for ever.
    const { code, stdout } = await doctor(testEnv({ DATABASE_URL: 'sqlite:/proc/switchboard-test/data/x.db' }));
    expect(code).toBe(1);
    expect(stdout).toContain('✗ store connection: sqlite: cannot create the directory /proc/switchboard-test for the SQLite file /proc/switchboard-test/data/x.db (ENOENT)');
    expect(stdout).toContain('fix: check DATABASE_URL: sqlite:<path> must name a file in a directory this user can write');
  });

  it('names the SQLite file it cannot open', async () => {
    const { stdout } = await doctor(testEnv({ DATABASE_URL: 'sqlite:/dev/null/x.db' }));
    expect(stdout).toContain('✗ store connection: sqlite: cannot open the SQLite file /dev/null/x.db (unable to open database file)');
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
    const running = await openSqlStore(url, { exclusive: true });
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

  describe('tells "reached Slack, but …" apart from "could not reach Slack"', () => {
    const slackLine = (stdout: string) => /✗ slack token: (.*)\n {4}fix: (.*)/.exec(stdout)?.slice(1) ?? [];

    it('a URL that is not the Web API base: reached, answered HTTP 404, fix names SLACK_API_URL', async () => {
      const url = `${slack.baseUrl}/api/files.upload/v2/`;
      const { code, stdout } = await doctor(vendorEnv({ SLACK_API_URL: url }));
      expect(code).toBe(1);
      const [detail, fix] = slackLine(stdout);
      expect(detail).toBe(`reached ${url}, but auth.test answered HTTP 404`);
      expect(fix).toMatch(/^SLACK_API_URL \(.*\) must be the Web API base, https:\/\/slack\.com\/api\/ \(or unset\)/);
      expect(stdout).not.toContain('could not reach');
    });

    it('a method Slack does not know (unknown_method): reached, fix names SLACK_API_URL', async () => {
      slack.failNext('auth.test', { error: 'unknown_method' });
      const [detail, fix] = slackLine((await doctor(vendorEnv())).stdout);
      expect(detail).toBe(`reached ${slack.url}, but auth.test answered unknown_method`);
      expect(fix).toMatch(/^SLACK_API_URL .* must be the Web API base/);
    });

    it('a token Slack rejects (invalid_auth): reached, fix names SLACK_BOT_TOKEN', async () => {
      const [detail, fix] = slackLine((await doctor(vendorEnv({ SLACK_BOT_TOKEN: 'xoxb-revoked' }))).stdout);
      expect(detail).toBe(`reached ${slack.url}, but auth.test answered invalid_auth`);
      expect(fix).toMatch(/^SLACK_BOT_TOKEN is wrong/);
    });

    it('connection refused: could not reach, fix names the network', async () => {
      await slack.refuseConnections();
      try {
        const { code, stdout } = await doctor(vendorEnv());
        expect(code).toBe(1);
        const [detail, fix] = slackLine(stdout);
        expect(detail).toBe(`could not reach Slack at ${slack.url}: connection refused`);
        expect(fix).toMatch(/^check the network \(DNS, firewall, proxy\)/);
        expect(stdout).not.toContain('reached http');
      } finally {
        await slack.acceptConnections();
      }
    });

    it('a host that does not resolve: could not reach (DNS)', async () => {
      const [detail] = slackLine((await doctor(vendorEnv({ SLACK_API_URL: 'http://slack.invalid/api/' }))).stdout);
      expect(detail).toBe('could not reach Slack at http://slack.invalid/api/: the host name does not resolve (DNS)');
    });

    it('no answer within SLACK_TIMEOUT_MS: could not reach (timeout)', async () => {
      const hold = slack.hang('auth.test', { count: 1 });
      try {
        const [detail] = slackLine((await doctor(vendorEnv({ SLACK_TIMEOUT_MS: '300' }))).stdout);
        expect(detail).toBe(`could not reach Slack at ${slack.url}: no answer in time (timeout)`);
      } finally {
        hold.release();
      }
    });
  });

  it('says a WhatsApp Web session is not paired yet, and how to pair', async () => {
    const { code, stdout } = await doctor(vendorEnv({ WHATSAPP_TRANSPORT: 'web', WHATSAPP_TOKEN: undefined, WHATSAPP_PHONE_NUMBER_ID: undefined }));
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ whatsapp web: not paired yet\n {4}fix: start the service, open \/admin/);
  });
});
