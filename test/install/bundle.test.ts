import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { bundle, ENTRY_POINTS, EXTERNAL } from '../../scripts/build.js';
import { loadedPackages, RESOLVE_LOG } from '../support/loaded-packages.js';
import { fakeVendorsForProcess, postWebhook, relayedTexts, startService, SUPPORT_CHANNEL, waitFor } from '../support/service-process.js';
import { postgresFixture } from '../support/stores.js';
import { textWebhook } from '../support/webhooks.js';

/*
 * What `npm run build` makes (scripts/build.ts): src/'s entry points bundled, the packages a
 * configuration loads on demand left in node_modules. Built into a scratch directory laid out as
 * the image is (dist/, node_modules, package.json) and run on plain node, as production runs it:
 * the tests of src/ run the sources through tsx and would not see a bundle that fails.
 */

const repo = process.cwd();
let app: string;
const dirs: string[] = [];

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'switchboard-bundle-'));
  dirs.push(app);
  await bundle({ entryPoints: ENTRY_POINTS, outdir: join(app, 'dist'), outbase: 'src', absWorkingDir: repo });
  symlinkSync(join(repo, 'node_modules'), join(app, 'node_modules'), 'dir');
  writeFileSync(join(app, 'package.json'), readFileSync(join(repo, 'package.json')));
}, 120_000);
afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const workdir = () => {
  const d = mkdtempSync(join(tmpdir(), 'switchboard-bundle-run-'));
  dirs.push(d);
  return d;
};

/** dist/main.js on plain node with a loader hook logging every module Node resolves. */
function start(env: Record<string, string | undefined>) {
  const cwd = workdir();
  const log = join(cwd, 'resolved.log');
  const service = startService({ ...env, RESOLVE_LOG_FILE: log }, cwd, undefined, { entry: join(app, 'dist', 'main.js'), built: true, nodeArgs: ['--import', RESOLVE_LOG] });
  onTestFinished(() => {
    service.child.kill('SIGKILL');
  });
  return { service, loaded: () => loadedPackages(log) };
}

describe('the production build', () => {
  it('is one file per entry point and shared chunks, in dist/ as the npm scripts run them', () => {
    const files = readdirSync(join(app, 'dist'), { recursive: true, encoding: 'utf8' });
    expect(files).toEqual(expect.arrayContaining(['main.js', 'doctor.js', join('migrate', 'import-whatsappinslack.js')]));
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const name of ['start', 'doctor', 'import:whatsappinslack']) {
      const file = /\bnode\b.*?\s(dist\/\S+\.js)\b/.exec(pkg.scripts[name]!)?.[1];
      expect(files, name).toContain(file!.replace(/^dist\//, ''));
    }
    // The packages left out are not in it (an import of each is).
    const code = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(app, 'dist', f), 'utf8')).join('\n');
    expect(code).toContain('"better-sqlite3"');
    expect(code).not.toContain('makeWASocket = ');
  });

  it('relays a WhatsApp message to its Slack thread on the Cloud API and SQLite, with Slack’s client, fastify’s router, zod and kysely inside the bundle', async () => {
    const { slack, env } = await fakeVendorsForProcess();
    const { service, loaded } = start(env({ SLACK_APP_TOKEN: undefined, JIRA_BASE_URL: undefined }));
    const base = await service.listening();
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, '/readyz');
    expect(await postWebhook(base, textWebhook('wamid.bundle.1', 'hello from the bundle'))).toBe(200);
    await waitFor(() => relayedTexts(slack, SUPPORT_CHANNEL).some((t) => t.includes('hello from the bundle')), 'the message in the contact’s thread');
    const packages = loaded();
    expect(packages).toContain('better-sqlite3');
    // (fastify's name is resolved, not loaded: its schema compilers are required from its directory on first use, src/http/server.ts)
    for (const name of ['@slack/web-api', 'zod', 'kysely', 'pino', 'find-my-way', 'axios']) expect(packages, name).not.toContain(name);
    for (const name of EXTERNAL.filter((n) => n !== 'better-sqlite3')) expect(packages, name).not.toContain(name);
  });

  it('loads pg from node_modules on PostgreSQL, and Baileys with WhatsApp Web', async () => {
    const db = await postgresFixture.create();
    onTestFinished(() => db.drop());
    const { env } = await fakeVendorsForProcess();
    const web = start(env({ DATABASE_URL: db.url, WHATSAPP_TRANSPORT: 'web', WHATSAPP_TOKEN: undefined, WHATSAPP_PHONE_NUMBER_ID: undefined, WHATSAPP_APP_SECRET: undefined }));
    const base = await web.service.listening();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await waitFor(() => web.loaded().has('baileys'), 'Baileys to be loaded');
    expect(web.loaded()).toContain('pg');
  });
});
