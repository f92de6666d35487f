import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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

/** The service as an operator runs it: a separate process, configured by its environment only. */
export function startService(env: Record<string, string | undefined>, cwd: string): ServiceProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|WHATSAPP|JIRA|DATABASE|PORT|LOG_LEVEL)/.test(k)));
  const child = spawn(process.execPath, ['--import', tsxLoader, join(process.cwd(), 'src/main.ts')], {
    cwd,
    env: { ...clean, ...env } as NodeJS.ProcessEnv,
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
