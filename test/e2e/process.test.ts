import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createFakeSlack } from '../fakes/slack.js';
import { testEnv } from '../support/env.js';
import { startService } from '../support/service-process.js';

describe('the service process', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const workdir = () => {
    const d = mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
    dirs.push(d);
    return d;
  };

  it('stops on bad configuration with one line per problem, each naming its variable, all in one run', async () => {
    const { out, exited } = startService(testEnv({ SLACK_BOT_TOKEN: undefined, PORT: 'abc', WHATSAPP_APP_SECRET: undefined }), workdir());
    expect(await exited).toBe(1);
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT: expected a TCP port number/);
    expect(lines[1]).toMatch(/^Invalid configuration: SLACK_BOT_TOKEN is required/);
    expect(lines[2]).toMatch(/^Invalid configuration: WHATSAPP_APP_SECRET is required with WHATSAPP_TRANSPORT=cloud/);
    expect(out.stdout).toBe('');
  });

  it('says on one line that PORT is taken when another process listens on it', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as { port: number }).port;
    const slack = await createFakeSlack({ channels: [{ id: 'C0123456789', name: 'support' }] });
    onTestFinished(() => slack.close());
    const { out, exited } = startService(testEnv({ PORT: String(port), SLACK_BOT_TOKEN: slack.token, SLACK_API_URL: slack.url }), workdir());
    expect(await exited).toBe(1);
    expect(out.stderr.trim().split('\n')).toEqual([`could not listen on PORT ${port}: another process is already listening on it (a second Switchboard?): stop it or set PORT to a free port`]);
  });

  it('reads a .env file, serves health, readiness and metrics on the embedded store, and stops cleanly on SIGTERM', async () => {
    const cwd = workdir();
    const { writeFileSync, existsSync } = await import('node:fs');
    const slack = await createFakeSlack({ channels: [{ id: 'C0123456789', name: 'support' }] });
    onTestFinished(() => slack.close());
    writeFileSync(
      join(cwd, '.env'),
      Object.entries(testEnv({ PORT: '0', LOG_LEVEL: 'info', SLACK_BOT_TOKEN: slack.token, SLACK_API_URL: slack.url }))
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );
    const { child, out, exited, listening } = startService({}, cwd);
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    const base = await listening();

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, checks: [{ name: 'store', ok: true }, { name: 'slack', ok: true }] });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('switchboard_queue_depth{status="pending"} 0');
    expect(metrics).toContain('process_resident_memory_bytes');
    expect(existsSync(join(cwd, 'data', 'switchboard.db'))).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.stdout).toContain('switchboard stopped');
    // Every log line is one JSON object.
    for (const l of out.stdout.trim().split('\n')) expect(() => JSON.parse(l)).not.toThrow();
  });
});
