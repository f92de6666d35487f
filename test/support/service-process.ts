import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Resolved here, not in the child: the child may run in a scratch directory with no node_modules.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The service as an operator runs it: a separate process, configured by its environment only. */
export function startService(env: Record<string, string | undefined>, cwd: string): ChildProcessWithoutNullStreams {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|WHATSAPP|JIRA|DATABASE|PORT|LOG_LEVEL|QUEUE)/.test(k)));
  return spawn(process.execPath, ['--import', tsxLoader, join(process.cwd(), 'src/main.ts')], {
    cwd,
    env: { ...clean, ...env } as NodeJS.ProcessEnv,
  });
}

export interface Collected {
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

export function collect(child: ChildProcessWithoutNullStreams): Collected {
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { out, exited };
}

export async function waitFor<T>(check: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits for the "listening" log line and returns the base URL to reach the service on. */
export async function listeningBase(c: Collected): Promise<string> {
  const line = await waitFor(() => c.out.stdout.split('\n').find((l) => l.includes('switchboard listening')), 'the listening line');
  const { address } = JSON.parse(line) as { address: string };
  return address.replace('0.0.0.0', '127.0.0.1');
}
