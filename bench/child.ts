/**
 * Parent side of bench/serve.ts: forks it, waits for its port, and calls its IPC ops.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { APP_SECRET, PHONE_NUMBER_ID } from './load.js';
import type { PeakReport, ServeOp, ServeReady, ServeReply } from './serve.js';

const READY_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 10_000;

export interface ServiceHandle {
  pid: number;
  port: number;
  base: string;
  dialect: string;
  queueConcurrency: number;
  rss(): Promise<number>;
  gcRss(): Promise<{ rss: number; gcRan: boolean }>;
  peakStart(): Promise<void>;
  peakStop(): Promise<PeakReport>;
  depth(): Promise<Record<string, number>>;
  cpu(): Promise<NodeJS.CpuUsage>;
  /** Graceful stop over IPC; SIGKILL if the process has not exited in time. Safe to call twice. */
  close(): Promise<void>;
  /** `kill -9`: no clean-up at all, as a crash or an OOM kill. */
  kill(): Promise<void>;
}

/** Settings for the service against the fakes: Cloud API transport, one support channel; `extra` adds or overrides. */
export function serviceEnv(
  o: { databaseUrl: string; slack: { token: string; url: string }; graphUrl: string; channel: string },
  extra: Record<string, string>,
): Record<string, string> {
  return {
    DATABASE_URL: o.databaseUrl,
    LOG_LEVEL: 'info',
    SLACK_BOT_TOKEN: o.slack.token,
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: o.slack.url,
    SLACK_CHANNEL: o.channel,
    WHATSAPP_TRANSPORT: 'cloud',
    WHATSAPP_TOKEN: 'bench-graph-token',
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
    WHATSAPP_GRAPH_URL: o.graphUrl,
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...extra,
  };
}

/** Forks `entry` (the compiled bench/serve.ts, see build.ts) on plain node with `--expose-gc` (and `nodeArgs`). */
export async function startService(entry: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<ServiceHandle> {
  const child: ChildProcess = fork(entry, [], {
    cwd: dirname(entry),
    execArgv: ['--expose-gc', ...nodeArgs],
    // stdout (the service's info-level JSON log) goes to /dev/null; stderr is shown.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => {
    alive = false;
  });

  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  const ready = new Promise<ServeReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('service did not start in time')), READY_TIMEOUT_MS);
    child.on('message', (raw: unknown) => {
      const msg = raw as Partial<ServeReady & ServeReply>;
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg as ServeReady);
        return;
      }
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id!);
      clearTimeout(p.timer);
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`service exited (code ${child.exitCode}, signal ${child.signalCode})`));
      for (const p of pending.values()) p.reject(new Error('service exited'));
      pending.clear();
    });
  });

  const call = <T>(op: ServeOp): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!alive || !child.connected) return reject(new Error('service is not running'));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`service op ${op} timed out`));
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      child.send({ id, op });
    });

  const kill = async () => {
    if (!alive) return;
    child.kill('SIGKILL');
    await exited;
  };

  let info: ServeReady;
  try {
    info = await ready;
  } catch (err) {
    await kill();
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    port: info.port,
    base: `http://127.0.0.1:${info.port}`,
    dialect: info.dialect,
    queueConcurrency: info.queueConcurrency,
    rss: () => call<number>('rss'),
    gcRss: () => call<{ rss: number; gcRan: boolean }>('gc-rss'),
    peakStart: () => call<void>('peak-start'),
    peakStop: () => call<PeakReport>('peak-stop'),
    depth: () => call<Record<string, number>>('depth'),
    cpu: () => call<NodeJS.CpuUsage>('cpu'),
    kill,
    close: () =>
      (closing ??= (async () => {
        if (!alive) return;
        await call('stop').catch(() => undefined);
        const timer = setTimeout(() => void kill(), EXIT_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      })()),
  };
}
