import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// npm ci prints "EBADENGINE" for every locked package whose `engines.node` excludes the running
// Node. The README promises a minimum; this holds every package in the lock to it, so a new
// transitive dependency that needs a newer Node shows up here rather than on an operator's screen.

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

type Version = [number, number, number];

function parseVersion(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, '').split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : 0));
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The subset of semver ranges npm packages use in `engines.node`: `||`, `>=`, `^`, `x`/`*` wildcards, bare versions. */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) => {
    const spec = alternative.trim().replace(/\s+/g, '');
    if (spec === '*' || spec === '') return true;
    const match = /^(>=|\^)?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(spec);
    if (!match) throw new Error(`unsupported engines range "${range}": extend this test`);
    const [, op, maj, min, pat] = match;
    const floor = parseVersion(`${maj}.${min && /\d/.test(min) ? min : 0}.${pat && /\d/.test(pat) ? pat : 0}`);
    if (op === '>=') return compare(version, floor) >= 0;
    if (op === '^') return version[0] === floor[0] && compare(version, floor) >= 0;
    // "20", "20.x", "6.*": that major (and minor, when given)
    if (version[0] !== floor[0]) return false;
    return min === undefined || !/\d/.test(min) || version[1] === floor[1];
  });
}

describe('supported Node versions', () => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
  const minimum = parseVersion(/^>=\s*([\d.]+)$/.exec(pkg.engines.node)?.[1] ?? '');

  it('the README states the minimum package.json declares', () => {
    expect(read('README.md')).toContain(`Node.js ${pkg.engines.node.replace(/^>=\s*/, '')} or later`);
  });

  it('every locked package installs on that minimum without EBADENGINE', () => {
    type Entry = { version?: string; engines?: { node?: string } | string[]; os?: string[] };
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, Entry> };
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      // npm skips (and does not check) optional packages built for another platform
      if (path === '' || !range || (entry.os && !entry.os.includes(process.platform))) continue;
      if (!satisfies(minimum, range)) refused.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} needs node ${range}`);
    }
    expect(refused).toEqual([]);
  });

  it('reads the ranges npm packages use', () => {
    expect(satisfies([20, 19, 0], '>=22')).toBe(false);
    expect(satisfies([20, 19, 0], '^20.19.0 || ^22.13.0 || >=24')).toBe(true);
    expect(satisfies([20, 18, 0], '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies([20, 19, 0], '20.x || 22.x')).toBe(true);
    expect(satisfies([20, 19, 0], '>= 10.x')).toBe(true);
    expect(satisfies([20, 19, 0], '6.* || 8.* || >= 10.*')).toBe(true);
    expect(satisfies([20, 19, 0], '18 || 20 || >=22')).toBe(true);
  });
});
