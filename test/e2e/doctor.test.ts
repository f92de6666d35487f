import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env.js';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dir = mkdtempSync(join(tmpdir(), 'switchboard-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
});
