import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { productionStart } from '../../bench/production-start.js';

// No container runtime here (DEPENDENCIES.md): the image is checked as text, and the slimming
// script on a small tree. bench/footprint.ts starts the service on the real slimmed node_modules.

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** The Dockerfile's stages: instruction lines (continuations joined), from each FROM to the next. */
function stages(): string[][] {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const out: string[][] = [];
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) out.push([]);
    out.at(-1)?.push(line);
  }
  return out;
}

describe('the image (Dockerfile)', () => {
  const all = stages();
  const build = all[0]!;
  const final = all.at(-1)!;

  it('builds in one stage and runs from another that gets only dist/, the production node_modules and package.json', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const copies = final.filter((l) => l.startsWith('COPY'));
    expect(copies).toEqual(['COPY --from=build /app/node_modules ./node_modules', 'COPY --from=build /app/dist ./dist', 'COPY package.json ./']);
    // The build stage prunes to production dependencies and slims them after compiling.
    const last = build.filter((l) => l.startsWith('RUN')).at(-1)!;
    expect(last).toMatch(/npm run build .*npm prune --omit=dev .*sh scripts\/slim-node-modules\.sh node_modules/);
  });

  it('has no build toolchain or package installs of npm in the final stage; ffmpeg and tini are there', () => {
    const runs = final.filter((l) => l.startsWith('RUN')).join(' ');
    for (const tool of ['python3', 'make', 'g++', 'npm ci', 'npm install', 'build-essential']) expect(runs, tool).not.toContain(tool);
    expect(runs).toMatch(/apt-get install -y --no-install-recommends ffmpeg tini/);
  });

  it('runs as the non-root user node, with the environment defaults and Node options of npm start', () => {
    expect(final).toContain('USER node');
    const start = productionStart();
    const cmd = JSON.parse(final.find((l) => l.startsWith('CMD'))!.slice(3).trim()) as string[];
    expect(cmd).toEqual(['node', ...start.nodeArgs, 'dist/main.js']);
    const env = final.filter((l) => l.startsWith('ENV ')).join(' ');
    expect(Object.keys(start.env).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(start.env)) expect(env, name).toMatch(new RegExp(`\\b${name}=${value}\\b`));
  });

  it('is what docker-compose.yml builds', () => {
    const compose = read('docker-compose.yml');
    expect(compose).toMatch(/^ {2}app:$/m);
    // Every service that builds (directly or through a shared YAML anchor) builds this Dockerfile.
    const builds = [...compose.matchAll(/^\s+build:\s*(\S+)\s*$/gm)].map((m) => m[1]);
    expect(builds.length).toBeGreaterThan(0);
    expect(new Set(builds)).toEqual(new Set(['.']));
  });
});

describe('scripts/slim-node-modules.sh', () => {
  it('keeps what Node loads and drops the native build leftovers, TypeScript and source maps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-slim-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const modules = join(dir, 'node_modules');
    const files = {
      kept: [
        'better-sqlite3/package.json',
        'better-sqlite3/lib/index.js',
        'better-sqlite3/build/Release/better_sqlite3.node',
        'jira.js/package.json',
        'jira.js/dist/esm/index.mjs',
        'jira.js/dist/cjs/index.cjs',
        'pino/lib/transport.js',
        'pino/README.md',
      ],
      dropped: [
        'better-sqlite3/deps/sqlite3/sqlite3.c',
        'better-sqlite3/src/better_sqlite3.cpp',
        'better-sqlite3/build/Makefile',
        'better-sqlite3/build/Release/obj.target/better_sqlite3.node',
        'better-sqlite3/build/Release/obj/gen/sqlite3/sqlite3.o',
        'better-sqlite3/build/Release/test_extension.node',
        'jira.js/src/index.ts',
        'jira.js/dist/esm/index.d.mts',
        'jira.js/dist/cjs/index.d.cts',
        'jira.js/dist/esm/index.mjs.map',
        'pino/pino.d.ts',
      ],
    };
    for (const file of [...files.kept, ...files.dropped]) {
      mkdirSync(dirname(join(modules, file)), { recursive: true });
      writeFileSync(join(modules, file), 'x');
    }
    execFileSync('sh', [new URL('scripts/slim-node-modules.sh', root).pathname, modules]);
    expect(files.kept.filter((f) => !existsSync(join(modules, f)))).toEqual([]);
    expect(files.dropped.filter((f) => existsSync(join(modules, f)))).toEqual([]);
  });
});

describe('npm start', () => {
  it('reads its environment defaults and Node options, an operator’s own value winning', () => {
    expect(productionStart('MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} node --max-semi-space-size=2 dist/main.js')).toEqual({ env: { MALLOC_ARENA_MAX: '2' }, nodeArgs: ['--max-semi-space-size=2'] });
    expect(productionStart('node dist/main.js')).toEqual({ env: {}, nodeArgs: [] });
    expect(() => productionStart('MALLOC_ARENA_MAX=2 node dist/main.js')).toThrow(/npm start is not/);
  });
});
