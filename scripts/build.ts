/**
 * `npm run build`: src/'s entry points bundled into dist/ by esbuild (type checking is
 * `npm run typecheck`'s job).
 *
 * Why a bundle: what every start loads (our modules, fastify, kysely, zod, Slack's Web API client,
 * pino, prom-client, libphonenumber-js and what they require) was some 600 files; each module Node
 * loads keeps its own record, compiled code and source, and one file per entry point shared by
 * all kept the idle service 7 to 12 MiB smaller in two runs (docs/BENCHMARKS.md, footprint). What a
 * configuration loads only when it uses it stays outside the bundle and is imported from
 * node_modules on first use, as before: Baileys, qrcode, Socket Mode, jira.js, pg, the MongoDB
 * driver; better-sqlite3 (and sharp) hold native code, which a bundle cannot carry.
 *
 *   node --import tsx scripts/build.ts [--help]
 */
import { rmSync } from 'node:fs';
import { build, buildSync, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Packages imported from node_modules at run time, never bundled (see above). */
export const EXTERNAL = ['baileys', 'qrcode', '@slack/socket-mode', 'jira.js', 'pg', 'mongodb', 'better-sqlite3', 'sharp'];

/** The entry points npm scripts run, as src/ paths (dist/ mirrors them: src/doctor.ts → dist/doctor.js). */
export const ENTRY_POINTS = ['src/main.ts', 'src/doctor.ts', 'src/migrate/import-whatsappinslack.ts'];

/**
 * Bundled packages written as CommonJS call `require` (Node's own modules, mostly) and esbuild's
 * ESM output has none: each output file gets one made for it.
 */
const BANNER = "import { createRequire as __switchboardRequire } from 'node:module';\nconst require = __switchboardRequire(import.meta.url);";

export interface BundleTarget {
  entryPoints: string[];
  outdir: string;
  /** Entry points' paths are kept relative to this (src: src/doctor.ts → dist/doctor.js). */
  outbase: string;
  absWorkingDir: string;
}

/**
 * How `entryPoints` are bundled into `outdir`: code they share is split into chunks beside them
 * (`chunks/`), loaded once. Whitespace and syntax are minified, identifiers are not, so stack
 * traces and logs name functions as the source does (esbuild's keepNames would re-attach names
 * at run time each time a function is made: a hundredth of the CPU under webhook load, for names
 * the code already has).
 */
export function bundleOptions(target: BundleTarget): BuildOptions {
  return {
    ...target,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: BANNER },
    chunkNames: 'chunks/[name]-[hash]',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

export async function bundle(target: BundleTarget): Promise<void> {
  await build(bundleOptions(target));
}

/** The same, synchronously (the benchmarks build the service under test this way, bench/build.ts). */
export function bundleSync(target: BundleTarget): void {
  buildSync(bundleOptions(target));
}

const USAGE = `Usage: npm run build   (or: node --import tsx scripts/build.ts [--help])

Bundles src/'s entry points (${ENTRY_POINTS.join(', ')}) into dist/ with esbuild;
${EXTERNAL.join(', ')} stay in node_modules. npm run build runs this.`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
  } else {
    const root = fileURLToPath(new URL('..', import.meta.url));
    rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
    await bundle({ entryPoints: ENTRY_POINTS, outdir: 'dist', outbase: 'src', absWorkingDir: root });
  }
}
