import { ConfigError, loadConfig, type Config } from '../config.js';
import { openStore } from '../store/open.js';
import { storeInUse } from '../store/sql-store.js';

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

export function checkConfig(env: Record<string, string | undefined>): { result: CheckResult; config?: Config; warnings: string[] } {
  try {
    const { config, warnings } = loadConfig(env);
    const detail = `transport ${config.WHATSAPP_TRANSPORT}, store ${config.DATABASE_URL.split(':')[0]}, Jira ${config.jiraEnabled ? 'on' : 'off'}`;
    return { result: { name: 'configuration', ok: true, detail }, config, warnings };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return {
      result: {
        name: 'configuration',
        ok: false,
        detail: err.problems.join('; '),
        fix: 'set the variables named above in .env or the environment (see .env.example and the README)',
      },
      warnings: [],
    };
  }
}

export const storeCheck: Check = {
  name: 'store',
  async run(config) {
    const scheme = config.DATABASE_URL.split(':')[0];
    let store;
    let inUse = false;
    try {
      // Information, not a failure: the doctor is often run beside the service it checks.
      inUse = storeInUse(config.DATABASE_URL);
      store = openStore(config.DATABASE_URL);
      await store.ping();
    } catch (err) {
      return {
        name: 'store connection',
        ok: false,
        detail: `${scheme}: ${(err as Error).message}`,
        fix: 'check DATABASE_URL: the server must be running and reachable, and the user allowed to connect',
      };
    }
    try {
      const pending = await store.pendingMigrations();
      return [
        { name: 'store connection', ok: true, detail: `${store.dialect} answers${inUse ? '; in use by a running Switchboard' : ''}` },
        {
          name: 'store migrations',
          ok: true,
          detail: pending.length === 0 ? 'all applied' : `${pending.length} pending (${pending.join(', ')}); the service applies them when it starts`,
        },
      ];
    } catch (err) {
      return { name: 'store migrations', ok: false, detail: (err as Error).message, fix: 'the database user needs rights to create tables' };
    } finally {
      await store.close();
    }
  },
};

export async function runChecks(config: Config, checks: Check[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      const r = await check.run(config);
      results.push(...(Array.isArray(r) ? r : [r]));
    } catch (err) {
      results.push({ name: check.name, ok: false, detail: `check crashed: ${(err as Error).message}` });
    }
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
