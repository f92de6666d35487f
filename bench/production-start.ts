import { readFileSync } from 'node:fs';

/**
 * How `npm start` runs the service (package.json), which the Dockerfile's ENV and CMD repeat:
 * environment defaults (`NAME=${NAME:-value}`, so an operator's own value wins) and Node options.
 * bench/footprint.ts measures the service run this way; test/install/image.test.ts holds the image to it.
 */
export interface ProductionStart {
  env: Record<string, string>;
  nodeArgs: string[];
}

export function productionStart(script = readPackageStart()): ProductionStart {
  const match = /^((?:\w+=\$\{\w+:-[^}]+\}\s+)*)node\s+(.*?)\s*dist\/main\.js$/.exec(script.trim());
  if (!match) throw new Error(`npm start is not "[NAME=\${NAME:-value} …] node [options] dist/main.js": ${script}`);
  const env: Record<string, string> = {};
  for (const [, name, self, value] of match[1]!.matchAll(/(\w+)=\$\{(\w+):-([^}]+)\}/g)) {
    if (name !== self) throw new Error(`npm start: ${name} defaults from another variable (${self})`);
    env[name!] = value!;
  }
  return { env, nodeArgs: match[2]!.split(/\s+/).filter(Boolean) };
}

function readPackageStart(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start;
}
