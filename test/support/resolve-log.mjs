// `node --import <this file>`: every module the service loads is appended, one a line, to the file
// named by RESOLVE_LOG_FILE: what the ESM loader resolves (as URLs, from a loader hook), and what
// CommonJS code require()s (as paths: on Node 20 the ESM hooks do not see those, e.g. what fastify
// requires). Tests and bench/footprint.ts read it to tell which packages a configuration loads
// (plain .mjs: it must load before, and without, any TypeScript loader).
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import process from 'node:process';

const file = process.env.RESOLVE_LOG_FILE;
if (file) {
  register('./resolve-log-hooks.mjs', import.meta.url, { data: { file } });
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (...args) {
    const resolved = resolveFilename.apply(this, args);
    appendFileSync(file, `${resolved}\n`);
    return resolved;
  };
}
