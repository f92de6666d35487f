import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createFakeGraph } from '../fakes/graph.js';
import { createFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { postWebhook, relayedTexts, startService, SUPPORT_CHANNEL, waitFor } from '../support/service-process.js';
import { textWebhook } from '../support/webhooks.js';

/** WhatsAppInSlack's `.env.example`, byte for byte (see ../fixtures/whatsappinslack/README.md). */
const VERBATIM = readFileSync(new URL('../fixtures/whatsappinslack/env.example', import.meta.url), 'utf8');
const LEGACY_KEYS = ['SLACK_TOKEN', 'WHATSAPP_CHANNEL_NAME', 'SLACK_API_URL', 'SLACK_CHAT_POST_MESSAGE_URL', 'SLACK_WEBHOOK_URL', 'WHATSAPP_PUPPETEER_EXECUTABLE_PATH'];
/** A few service processes start, each a few seconds on a busy machine. */
const PROCESS_TEST_TIMEOUT_MS = 60_000;

/** That file as a user fills it in (the three blanks), with `https://slack.com` pointing at the fake Slack. */
function filledIn(slack: FakeSlack): string {
  const fills: Array<[RegExp, string]> = [
    [/^SLACK_SIGNING_SECRET=$/m, 'SLACK_SIGNING_SECRET=test-signing-secret'],
    [/^SLACK_TOKEN=xoxb-$/m, `SLACK_TOKEN=${slack.token}`],
    [/^WHATSAPP_CHANNEL_NAME=$/m, 'WHATSAPP_CHANNEL_NAME=support'],
  ];
  let text = VERBATIM;
  for (const [blank, value] of fills) {
    expect(text).toMatch(blank);
    text = text.replace(blank, value);
  }
  expect(text.match(/https:\/\/slack\.com\/api\//g)).toHaveLength(2);
  return text.replaceAll('https://slack.com', slack.baseUrl);
}

describe("WhatsAppInSlack's .env, verbatim", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function setUp(extra = '') {
    const slack = await createFakeSlack({ channels: [{ id: SUPPORT_CHANNEL, name: 'support' }] });
    onTestFinished(() => slack.close());
    const cwd = mkdtempSync(join(tmpdir(), 'switchboard-legacy-env-'));
    dirs.push(cwd);
    writeFileSync(join(cwd, '.env'), filledIn(slack) + extra);
    return { slack, cwd };
  }

  function start(cwd: string, env: Record<string, string | undefined>, as?: { uid: number; gid: number }) {
    const service = startService(env, cwd, as);
    onTestFinished(async () => {
      service.child.kill('SIGKILL');
      await service.exited;
    });
    return service;
  }

  const warningsIn = (logs: Record<string, unknown>[]) => logs.filter((l) => l.level === 40).map((l) => String(l.msg));

  function expectOneWarningPerLegacyKey(warnings: string[], slack: FakeSlack) {
    for (const key of LEGACY_KEYS) expect(warnings.filter((w) => w.startsWith(`${key} `)), key).toHaveLength(1);
    const base = `${slack.baseUrl}/api/`;
    expect(warnings).toContain(
      `SLACK_API_URL names a Web API method (${slack.baseUrl}/api/files.upload), as WhatsAppInSlack's did: using its base ${base}; set SLACK_API_URL=${base} to silence this`,
    );
    expect(warnings).toContain(
      `SLACK_CHAT_POST_MESSAGE_URL is ignored: SLACK_API_URL is set, so the Slack Web API is reached at ${base}; remove SLACK_CHAT_POST_MESSAGE_URL`,
    );
  }

  it(
    'starts on the web transport with Slack working: the slack readiness check is ok, each legacy key is warned about by name',
    async () => {
      const { slack, cwd } = await setUp();
      // The image sets PORT=3000 in its environment, which wins over the file's PORT=80 (dotenv never overrides);
      // here port 0 stands in for it.
      const service = start(cwd, { PORT: '0' });
      const base = await service.listening();

      const ready = await waitFor(async () => {
        const body = (await (await fetch(`${base}/readyz`)).json()) as { checks: Array<{ name: string; ok: boolean; detail?: string }> };
        return body.checks.find((c) => c.name === 'slack' && c.ok) ? body : undefined;
      }, 'the slack readiness check to pass');
      expect(ready.checks.find((c) => c.name === 'slack')).toMatchObject({ ok: true, detail: expect.stringMatching(/^bot U/) });
      // Not paired, and nothing here to pair with: that check alone keeps /readyz at 503.
      expect(ready.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['whatsapp web']);
      expect(slack.calls('auth.test').length).toBeGreaterThan(0);

      expectOneWarningPerLegacyKey(warningsIn(service.logs()), slack);
      expect(service.logs().filter((l) => l.level === 50 && String(l.msg).includes('Slack'))).toEqual([]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'with Cloud API keys added, relays a WhatsApp message to the channel WHATSAPP_CHANNEL_NAME names and answers /readyz 200',
    async () => {
      const graph = await createFakeGraph({ token: 'test-graph-token', phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' });
      onTestFinished(() => graph.close());
      const cloudKeys = [
        'WHATSAPP_TOKEN=test-graph-token',
        'WHATSAPP_PHONE_NUMBER_ID=106540352242922',
        'WHATSAPP_APP_SECRET=test-app-secret',
        'WHATSAPP_VERIFY_TOKEN=test-verify-token',
        `WHATSAPP_GRAPH_URL=${graph.url}`,
      ];
      const { slack, cwd } = await setUp(`\n${cloudKeys.join('\n')}\n`);
      const service = start(cwd, { PORT: '0' });
      const base = await service.listening();

      const ready = await fetch(`${base}/readyz`);
      expect(await ready.json()).toMatchObject({ ok: true, checks: expect.arrayContaining([{ name: 'slack', ok: true, detail: expect.any(String) }]) });
      expect(ready.status).toBe(200);

      expect(await postWebhook(base, textWebhook('wamid.legacy.env.1', 'hello from the old setup'))).toBe(200);
      await waitFor(() => relayedTexts(slack, SUPPORT_CHANNEL).some((t) => t.includes('hello from the old setup')), 'the message in the contact’s thread');
      expect(slack.topLevel(SUPPORT_CHANNEL)).toHaveLength(1);
      expectOneWarningPerLegacyKey(warningsIn(service.logs()), slack);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it.runIf(canBindLowPortsOnlyAsRoot())(
    "PORT=80 as the image's non-root user: one line naming PORT and what to do, not a bare EACCES",
    async () => {
      const { cwd } = await setUp();
      // The service creates ./data/switchboard.db in its working directory.
      chmodSync(cwd, 0o777);
      const service = start(cwd, {}, NOBODY);
      expect(await service.exited).toBe(1);
      const lines = service.out.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^could not listen on PORT 80: ports below 1024 are privileged .*set PORT=3000 .*docker run -p 80:3000/);
      expect(lines[0]).not.toContain('EACCES');
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it('npm run doctor reads it: Slack reached and working, each legacy key warned about by name', async () => {
    const { slack, cwd } = await setUp();
    const { stdout } = await runTs('src/doctor.ts', cwd);
    expect(stdout).toContain('✓ configuration: transport web');
    expect(stdout).toContain('✓ slack token: bot');
    expect(stdout).toContain('✓ slack channel: #support (C0123456789), bot is a member');
    const warnings = stdout
      .split('\n')
      .filter((l) => l.startsWith('! '))
      .map((l) => l.slice(2));
    expectOneWarningPerLegacyKey(warnings, slack);
  });

  it('npm run import:whatsappinslack reads it: the legacy keys are named, and an unreachable MongoDB is one clear line', async () => {
    const { slack, cwd } = await setUp();
    // No MongoDB here: the import reads the .env, then stops at MongoDB (contacted first) with one line.
    const { stderr } = await runTs('src/migrate/import-whatsappinslack.ts', cwd, ['mongodb://127.0.0.1:9/whatsappinslack?serverSelectionTimeoutMS=500']);
    expect(stderr.split('\n').filter((l) => l.startsWith('import failed:'))).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(slack.calls().filter((c) => c.httpStatus !== 200 || c.error)).toEqual([]);
    const warnings = stderr
      .split('\n')
      .filter((l) => l.startsWith('! '))
      .map((l) => l.slice(2));
    expectOneWarningPerLegacyKey(warnings, slack);
    expect(stderr).not.toMatch(/slack_|unknown_method|Slack .* failed/);
  }, PROCESS_TEST_TIMEOUT_MS);
});

/** `nobody`: a user without CAP_NET_BIND_SERVICE, as the image's `node` user is. */
const NOBODY = { uid: 65534, gid: 65534 };

/**
 * Whether a non-root user gets EACCES on port 80 here (the kernel's default), and this test runs as root
 * so it can start the service as one. Docker sets ip_unprivileged_port_start to 0 in its containers.
 */
function canBindLowPortsOnlyAsRoot(): boolean {
  try {
    return process.getuid?.() === 0 && Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) > 80;
  } catch {
    return false;
  }
}

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs one of the service's entry points (`src/doctor.ts`, a migration script) in `cwd`, whose .env it reads. */
function runTs(script: string, cwd: string, args: string[] = []): Promise<{ stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|WHATSAPP|JIRA|DATABASE|PORT)/.test(k)));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsxLoader, join(process.cwd(), script), ...args], { cwd, env: clean }, (_err, stdout, stderr) => resolve({ stdout, stderr }));
  });
}
