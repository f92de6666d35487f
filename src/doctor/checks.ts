import { ConfigError, loadConfig, type Config } from '../config.js';
import { placeholderProblems } from './placeholders.js';
import { mongoStoreDetail } from './mongo-detail.js';
import { openStore, storeInUse } from '../store/open.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about a failure, in words an operator can act on. */
  fix?: string;
}

export interface Check {
  name: string;
  run(config: Config): Promise<CheckResult | CheckResult[]>;
}

const CONFIG_FIX = 'set the variables named above in .env or the environment (see .env.example and the README)';
const PLACEHOLDER_FIX = 'put the real values in .env (README, "Configuration", says where each one comes from)';

/**
 * The settings, every problem on its own ✗ line (the fix once, after the last): what loadConfig
 * refuses, and values still copied from .env.example, which load but are not credentials.
 */
export function checkConfig(env: Record<string, string | undefined>): { results: CheckResult[]; config?: Config; warnings: string[] } {
  const placeholders = failures('configuration', placeholderProblems(env), PLACEHOLDER_FIX);
  try {
    const { config, warnings } = loadConfig(env);
    const detail = `transport ${config.WHATSAPP_TRANSPORT}, store ${config.DATABASE_URL.split(':')[0]}, Jira ${config.jiraEnabled ? 'on' : 'off'}`;
    return { results: [{ name: 'configuration', ok: true, detail }, ...placeholders], config, warnings };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { results: [...failures('configuration', err.problems, CONFIG_FIX), ...placeholders], warnings: [] };
  }
}

function failures(name: string, details: string[], fix: string): CheckResult[] {
  return details.map((detail, i) => ({ name, ok: false, detail, ...(i === details.length - 1 ? { fix } : {}) }));
}

export const storeCheck: Check = {
  name: 'store',
  async run(config) {
    const scheme = config.DATABASE_URL.split(':')[0];
    let store;
    let inUse = false;
    try {
      // Information, not a failure: the doctor is often run beside the service it checks.
      inUse = await storeInUse(config.DATABASE_URL);
      store = await openStore(config.DATABASE_URL);
      await store.ping();
    } catch (err) {
      return {
        name: 'store connection',
        ok: false,
        detail: `${scheme}: ${(err as Error).message}`,
        fix:
          scheme === 'sqlite'
            ? 'check DATABASE_URL: sqlite:<path> must name a file in a directory this user can write (or leave it empty for ./data/switchboard.db)'
            : 'check DATABASE_URL: the server must be running and reachable, and the user allowed to connect',
      };
    }
    try {
      const pending = await store.pendingMigrations();
      const mongo = await mongoStoreDetail(store);
      const applied = pending.length === 0 ? 'all applied' : `${pending.length} pending (${pending.join(', ')}); the service applies them when it starts`;
      return [
        { name: 'store connection', ok: true, detail: `${mongo?.connection ?? `${store.kind} answers`}${inUse ? '; in use by a running Switchboard' : ''}` },
        { name: 'store migrations', ok: true, detail: mongo ? `${mongo.schema}, ${applied}` : applied },
      ];
    } catch (err) {
      return { name: 'store migrations', ok: false, detail: (err as Error).message, fix: 'the database user needs rights to create tables' };
    } finally {
      await store.close();
    }
  },
};

/** Longest any one check may take: each vendor call inside has its own, shorter timeout. */
export const CHECK_TIMEOUT_MS = 45_000;

export interface RunChecksOptions {
  timeoutMs?: number;
  /** Each check's results as soon as it is done, so a slow one does not hide the others. */
  onResults?: (results: CheckResult[]) => void;
}

/**
 * Runs the checks one after the other, each bounded: one that does not finish in time is reported
 * as such and left behind (the doctor exits when it has printed everything, not when the
 * abandoned check gives up), so the doctor never hangs on a network or a disk.
 */
export async function runChecks(config: Config, checks: Check[], options: RunChecksOptions = {}): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  const results: CheckResult[] = [];
  for (const check of checks) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ name: check.name, ok: false, detail: `no answer within ${timeoutMs >= 1_000 ? `${Math.round(timeoutMs / 1_000)} s` : `${timeoutMs} ms`}`, fix: `something on the way does not answer: check the network and the ${check.name} settings` }),
        timeoutMs,
      );
    });
    let got: CheckResult[];
    try {
      const r = await Promise.race([check.run(config), timedOut]);
      got = Array.isArray(r) ? r : [r];
    } catch (err) {
      got = [{ name: check.name, ok: false, detail: `check crashed: ${(err as Error).message}` }];
    } finally {
      clearTimeout(timer);
    }
    results.push(...got);
    options.onResults?.(got);
  }
  return results;
}

export function formatResults(results: CheckResult[]): string {
  return results
    .map((r) => {
      const head = `${r.ok ? '✓' : '✗'} ${r.name}: ${r.detail}`;
      return r.ok || !r.fix ? head : `${head}\n    fix: ${r.fix}`;
    })
    .join('\n');
}
