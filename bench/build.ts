/**
 * Builds bench/serve.ts (src/'s service and the bench's routes) into a throw-away directory, bundled
 * as `npm run build` bundles dist/, so the service under test runs on plain `node` as in production
 * (`node dist/main.js`): the tsx loader (a second V8 isolate on its own thread) would add ~40 MiB to
 * the RSS figures. Type checking is `npm run typecheck`'s job.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { bundleSync } from '../scripts/build.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface Build {
  dir: string;
  /** The compiled bench/serve.ts. */
  entry: string;
  remove(): void;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * `root`: the tree to build (default this repository; bench/footprint.ts also builds an older commit's
 * tree exported beside it); `nodeModules`: what it runs against (default this repository's);
 * `how`: bundled as `npm run build` bundles (scripts/build.ts), or each file transpiled on its own
 * (how builds were made before the bundle: an older commit's tree).
 */
export function buildService(root = REPO, nodeModules = join(REPO, 'node_modules'), how: 'bundle' | 'transpile' = 'bundle'): Build {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (how === 'bundle') {
      bundleSync({ entryPoints: [join(root, 'bench', 'serve.ts')], outdir: dir, outbase: root, absWorkingDir: root });
    } else {
      const files = [...tsFiles(join(root, 'src')), join(root, 'bench', 'serve.ts')];
      for (const file of files) {
        const out = ts.transpileModule(readFileSync(file, 'utf8'), {
          fileName: file,
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
        });
        const target = join(dir, relative(root, file)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, out.outputText);
      }
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    symlinkSync(nodeModules, join(dir, 'node_modules'), 'dir');
    return { dir, entry: join(dir, 'bench', 'serve.js'), remove };
  } catch (err) {
    remove();
    throw err;
  }
}
