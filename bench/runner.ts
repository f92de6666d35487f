import { buildService } from './build.js';

/**
 * What every benchmark script needs around its measurements: a log line format, clean-ups that run
 * however it ends (error, SIGINT, SIGTERM), and an exit that does not wait for stray handles.
 */
export const log = (msg: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const cleanups: Array<() => Promise<unknown>> = [];

/** Registers a clean-up; they run last-in first-out. */
export function onCleanup(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
}

export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    await fn().catch((err: unknown) => process.stderr.write(`cleanup: ${String(err)}\n`));
  }
}

/** Runs `main`, cleaning up on failure and on SIGINT/SIGTERM, then exits. */
export function runBench(main: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  main()
    .catch(async (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      await cleanupAll();
      process.exitCode = 1;
    })
    .finally(() => setTimeout(() => process.exit(), 100).unref());
}

/** Builds the service (build.ts: bundled, as npm run build does), runs `fn` with the child entry point, and removes the build however it ends. */
export async function withServiceBuild<T>(fn: (entry: string) => Promise<T>): Promise<T> {
  log('bundling bench/serve.ts (src/ and the bench routes) for a plain-node child process, as npm run build bundles dist/');
  const build = buildService();
  process.once('exit', () => build.remove());
  try {
    return await fn(build.entry);
  } finally {
    build.remove();
  }
}
