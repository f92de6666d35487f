import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env.js';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }

/**
 * Runs an entry point with a configuration it could start with (an embedded store in the scratch
 * directory, port 0), so a --help that started the service would leave a database file behind
 * and not exit (the timeout then fails the test).
 */
function run(entry: string, args: string[]): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|WHATSAPP|JIRA|DATABASE|PORT|HOST)/.test(k)));
  const env = { ...clean, ...testEnv({ DATABASE_URL: `sqlite:${join(dir, 'switchboard.db')}`, PORT: '0' }) } as NodeJS.ProcessEnv;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsxLoader, join(process.cwd(), entry), ...args], { cwd: dir, env, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.each([
  ['src/main.ts', 'Usage: npm start'],
  ['src/doctor.ts', 'Usage: npm run doctor'],
  ['src/migrate/import-whatsappinslack.ts', 'Usage: npm run import:whatsappinslack'],
])('%s', (entry, usage) => {
  it('prints its usage on --help and exits 0 without starting anything', async () => {
    const { code, stdout, stderr } = await run(entry, ['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.startsWith(usage)).toBe(true);
    expect(stdout).toContain('-h, --help');
    expect(stdout).not.toMatch(/^[✓✗] /m); // doctor ran no check
    expect(readdirSync(dir)).toEqual([]); // no store was opened
  });

  it('refuses an unknown option with its usage and exit 2', async () => {
    const { code, stdout, stderr } = await run(entry, ['--bogus']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: Unknown option '--bogus'/);
    expect(stderr).toContain(usage);
    expect(stdout).toBe('');
    expect(existsSync(join(dir, 'switchboard.db'))).toBe(false);
  });
});
