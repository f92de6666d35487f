// `node --import <this file>`: every module URL the ESM loader resolves is appended, one a line,
// to the file named by RESOLVE_LOG_FILE. Tests and bench/footprint.ts read it to tell which
// packages a configuration loads (plain .mjs: it must load before, and without, any TypeScript loader).
import { register } from 'node:module';
import process from 'node:process';

const file = process.env.RESOLVE_LOG_FILE;
if (file) register('./resolve-log-hooks.mjs', import.meta.url, { data: { file } });
