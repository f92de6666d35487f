/**
 * What the image carries in node_modules, measured without an image build (no container runtime
 * here): `npm ci --omit=dev` from a commit's package.json and package-lock.json in a scratch
 * directory, then scripts/slim-node-modules.sh as the Dockerfile runs it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('..', import.meta.url));
// Two installs with a native build: minutes each, many more on a shared, busy machine.
const NPM_TIMEOUT_MS = 25 * 60_000;

export interface Tree {
  /** Apparent size (bytes, as a tar layer holds them) and number of files. */
  bytes: number;
  files: number;
  /** The largest packages, apparent bytes. */
  top: Array<[string, number]>;
}

export interface DepsSize {
  /** The baseline commit's production tree, when one was asked for. */
  before?: { source: string; tree: Tree };
  /** This working tree's, as installed, then after scripts/slim-node-modules.sh. */
  after: { tree: Tree; slimmed: Tree };
  installS: number;
  /** The slimmed node_modules (removed by `remove`), so the caller can start the service on it. */
  modules: string;
  remove(): void;
}

async function du(path: string): Promise<number> {
  const { stdout } = await run('du', ['-sb', path]);
  return Number(stdout.split('\t')[0]);
}

async function tree(modules: string): Promise<Tree> {
  const { stdout } = await run('find', [modules, '-type', 'f'], { maxBuffer: 256 * 1024 * 1024 });
  const packages = readdirSync(modules).flatMap((name) =>
    name.startsWith('@') ? readdirSync(join(modules, name)).map((sub) => `${name}/${sub}`) : name.startsWith('.') ? [] : [name],
  );
  const sizes: Array<[string, number]> = [];
  for (const name of packages) sizes.push([name, await du(join(modules, name))]);
  sizes.sort((a, b) => b[1] - a[1]);
  return { bytes: await du(modules), files: stdout.split('\n').filter(Boolean).length, top: sizes.slice(0, 6) };
}

function writePackageFiles(dir: string, ref: string | undefined): void {
  for (const file of ['package.json', 'package-lock.json']) {
    const text = ref ? execFileSync('git', ['show', `${ref}:${file}`], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 }) : readFileSync(join(REPO, file));
    writeFileSync(join(dir, file), text);
  }
}

const npm = (dir: string, args: string[]) => run('npm', [...args, '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: NPM_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });

/**
 * `npm ci --omit=dev` at `baseline` (or at the working tree without one). With a baseline, the
 * working tree's package files then replace its own and `npm install --omit=dev` brings the tree
 * to them, as an upgrade would: only what changed is added or removed, so better-sqlite3 (two
 * minutes of compiling on a busy machine) is built once.
 */
export async function productionDeps(baseline: string | undefined): Promise<DepsSize> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-deps-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const modules = join(dir, 'node_modules');
  try {
    writePackageFiles(dir, baseline);
    const t0 = performance.now();
    await npm(dir, ['ci']);
    const installS = (performance.now() - t0) / 1000;
    let before: DepsSize['before'];
    if (baseline) {
      before = { source: baseline, tree: await tree(modules) };
      writePackageFiles(dir, undefined);
      await npm(dir, ['install']);
    }
    const installed = await tree(modules);
    await run('sh', [join(REPO, 'scripts', 'slim-node-modules.sh'), modules]);
    return { before, after: { tree: installed, slimmed: await tree(modules) }, installS, modules, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
