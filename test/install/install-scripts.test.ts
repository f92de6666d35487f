import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// npm 11 lists every dependency whose install scripts package.json's `allowScripts` does not
// cover ("install-scripts … not yet covered by allowScripts") and will block them in a later
// release; a `false` entry skips that package's scripts already. This holds the policy to the
// lock, so a new dependency with an install script is decided here rather than warned about on an
// operator's screen at `npm ci`.

const root = new URL('../../', import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as unknown;

describe('install scripts', () => {
  const pkg = read('package.json') as { allowScripts?: Record<string, boolean> };
  const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean; version?: string; os?: string[] }> };
  const withScripts = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript && (!entry.os || entry.os.includes(process.platform)))
    .map(([path]) => path.replace(/^.*node_modules\//, ''));

  it('every locked package with an install script is allowed or denied by name in package.json', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    const policy = pkg.allowScripts ?? {};
    expect(withScripts.filter((name) => !(name in policy))).toEqual([]);
  });

  it('lists no package the lock does not hold, and lets the SQLite driver build', () => {
    const policy = pkg.allowScripts ?? {};
    expect(Object.keys(policy).filter((name) => !withScripts.includes(name))).toEqual([]);
    // better-sqlite3 compiles its addon in its install script (its prebuilt download is blocked here)
    expect(policy['better-sqlite3']).toBe(true);
  });
});
