import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface EntryPointRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of src/'s entry points (main.ts, doctor.ts, migrate/…) as its own process, through tsx,
 * with exactly `env` for the settings (the runner's SLACK_/WHATSAPP_/… variables are left out) and
 * `cwd` as its working directory (where it would find a .env). Killed after `timeoutMs`.
 */
export function runEntryPoint(entry: string, args: string[], opts: { env: Record<string, string | undefined>; cwd: string; timeoutMs?: number }): Promise<EntryPointRun> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|WHATSAPP|JIRA|DATABASE|PORT|HOST|MONGODB)/.test(k)));
  const env = { ...clean, ...opts.env } as NodeJS.ProcessEnv;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsxLoader, join(process.cwd(), entry), ...args], { cwd: opts.cwd, env, timeout: opts.timeoutMs ?? 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
