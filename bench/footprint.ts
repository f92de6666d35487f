/**
 * Footprint benchmark (issue 14): idle and peak RSS of the service on the Cloud API transport and
 * SQLite, which optional packages it loads, and the size of the production node_modules.
 *
 *   node --import tsx bench/footprint.ts [--ref <commit>] [--no-deps]
 *
 * Rewrites its own section of docs/BENCHMARKS.md (bench/sections.ts). Baselines from the same run:
 * - "eager": this build with every package that is now loaded on demand imported before start
 *   (BENCH_PRELOAD, bench/serve.ts), i.e. what the process carried when they were static imports;
 * - `--ref`: another commit's src/ built the same way (e.g. the commit before this work);
 * - `--no-deps` skips the two `npm ci --omit=dev` runs (bench/deps-size.ts).
 * The service runs in a child process on plain node (bench/build.ts), as in bench/webhook.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommand } from '../src/cli.js';
import { buildService, type Build } from './build.js';
import { productionDeps, type DepsSize } from './deps-size.js';
import { productionStart } from './production-start.js';
import { measureIdle, measureIntake, packagesLoaded, type IdleSample, type IntakeSample, type Variant } from './footprint-measure.js';
import { renderFootprint, type FootprintRun } from './footprint-report.js';
import { machineInfo } from './report.js';
import { cleanupAll, log, onCleanup, runBench } from './runner.js';
import { writeSection } from './sections.js';

const USAGE = `Usage: node --import tsx bench/footprint.ts [--ref <commit>] [--no-deps] [--help]

Footprint benchmark: idle RSS of the service on the Cloud API transport and SQLite (5 starts per
row), its peak under webhook intake, the optional packages it loads, and the size of the
production node_modules (two \`npm ci --omit=dev\` in a scratch directory). About 4 minutes;
rewrites the bench:footprint section of docs/BENCHMARKS.md.

Options:
  --ref <commit>   also measure that commit's src/ as a baseline (e.g. 0ede8f0)
  --no-deps        skip the production node_modules (no npm install)
  -h, --help       print this help and exit`;

const ROUNDS = 5;
const REPO = new URL('..', import.meta.url);

/**
 * What used to be loaded at start whatever the configuration (see src/app.ts, src/slack/emoji.ts,
 * src/store/* before issue 14, and src/http/server.ts: fastify's schema compilers, which fastify
 * requires when an instance is made unless it is given its own).
 */
const EAGER = ['baileys', 'qrcode', '@slack/socket-mode', 'jira.js', 'pg', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'emojibase-data/en/shortcodes/iamcal.json'];

function buildRef(ref: string): Build {
  const tree = mkdtempSync(join(tmpdir(), 'switchboard-ref-'));
  onCleanup(async () => rmSync(tree, { recursive: true, force: true }));
  const archive = execFileSync('git', ['archive', ref, 'src', 'bench'], { cwd: REPO, maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', tree], { input: archive });
  return buildService(tree, undefined, 'transpile');
}

function track(build: Build): Build {
  onCleanup(async () => build.remove());
  return build;
}

async function main(values: Record<string, string | boolean | undefined>): Promise<void> {
  const started = new Date();
  const t0 = performance.now();
  const ref = typeof values.ref === 'string' ? execFileSync('git', ['rev-parse', '--short', values.ref], { cwd: REPO, encoding: 'utf8' }).trim() : undefined;

  log('bundling src/ for plain-node child processes (as npm run build does), and transpiling it file by file');
  const current = track(buildService());
  const files = track(buildService(undefined, undefined, 'transpile'));
  const prod = productionStart();
  const asStarted = Object.entries(prod.env).map(([k, v]) => `${k}=${v}`).concat(prod.nodeArgs).join(' ');
  const variants: Variant[] = [
    { id: 'eager', label: 'this build, what is now loaded on demand imported at start (baseline)', entry: current.entry, env: { ...prod.env, BENCH_PRELOAD: EAGER.join(',') }, nodeArgs: prod.nodeArgs },
  ];
  if (ref) variants.push({ id: 'ref', label: `commit ${ref}, Node's defaults (baseline: the service before this work)`, entry: track(buildRef(ref)).entry });
  variants.push({ id: 'defaults', label: "this build, Node's defaults", entry: current.entry });
  variants.push({ id: 'files', label: `this build, file by file instead of bundled (baseline: the build before scripts/build.ts), as \`npm start\` runs it`, entry: files.entry, env: prod.env, nodeArgs: prod.nodeArgs });
  variants.push({ id: 'current', label: `**this build, as \`npm start\` runs it** (\`${asStarted}\`)`, entry: current.entry, env: prod.env, nodeArgs: prod.nodeArgs });

  let deps: DepsSize | undefined;
  if (!values['no-deps']) {
    log(`npm ci --omit=dev${ref ? ` at ${ref}, then npm install --omit=dev to the working tree's package files` : ''}`);
    deps = await productionDeps(ref);
    onCleanup(async () => deps?.remove());
    // The image's node_modules, slimmed: the service must start and idle on it as well.
    variants.push({ id: 'image', label: 'the same on the production node_modules, slimmed as in the image', entry: track(buildService(undefined, deps.modules)).entry, env: prod.env, nodeArgs: prod.nodeArgs });
  }

  const idle = new Map<string, IdleSample[]>(variants.map((v) => [v.id, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const v of variants) {
      const sample = await measureIdle(v);
      idle.get(v.id)!.push(sample);
      log(`idle, round ${round}, ${v.id}: VmRSS ${(sample.vmRss / 2 ** 20).toFixed(1)} MiB, after GC ${(sample.gcRss / 2 ** 20).toFixed(1)} MiB`);
    }
  }
  const intake = new Map<string, IntakeSample>();
  for (const v of variants.filter((x) => x.id !== 'image')) {
    const s = await measureIntake(v);
    intake.set(v.id, s);
    log(`intake, ${v.id}: peak ${(s.peakRss / 2 ** 20).toFixed(1)} MiB, ${s.okPerSecond.toFixed(0)} accepted/s`);
  }
  const packages = new Map<string, string[]>();
  for (const v of variants) packages.set(v.id, await packagesLoaded(v));

  const run: FootprintRun = { machine: machineInfo(started), ref, variants, idle, intake, packages, deps, totalS: (performance.now() - t0) / 1000, loadAverage: loadavg() };
  writeSection(new URL('../docs/BENCHMARKS.md', import.meta.url), 'footprint', renderFootprint(run));
  await cleanupAll();
  log(`wrote the footprint section of docs/BENCHMARKS.md (${run.totalS.toFixed(0)} s)`);
}

const command = parseCommand(process.argv.slice(2), { usage: USAGE, options: { ref: { type: 'string' }, 'no-deps': { type: 'boolean' } } });
if ('exitCode' in command) process.exitCode = command.exitCode;
else runBench(() => main(command.values));
