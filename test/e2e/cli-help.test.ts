import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { MongoClient } from 'mongodb';
import { createFakeMongo } from '../fakes/mongo.js';
import { createFakeSlack } from '../fakes/slack.js';
import { runEntryPoint } from '../support/entry-point.js';
import { testEnv } from '../support/env.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * With a configuration it could start with (an embedded store in the scratch directory, port 0),
 * so a --help that started the service would leave a database file behind and not exit (the
 * timeout then fails the test).
 */
const run = (entry: string, args: string[]) => runEntryPoint(entry, args, { env: testEnv({ DATABASE_URL: `sqlite:${join(dir, 'switchboard.db')}`, PORT: '0' }), cwd: dir });

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

/** Scripts that run another tool (npm, tsc, vitest, eslint), which has its own --help. */
const TOOL_SCRIPTS = ['setup', 'build', 'test', 'lint', 'typecheck'];

/**
 * Every npm script that runs one of our files, with the source file it runs (dist/x.js is built
 * from src/x.ts) and the first words of its usage. A new script is picked up here, so it needs a
 * --help before this passes.
 */
const scripts = Object.entries(pkg.scripts)
  .filter(([name]) => !TOOL_SCRIPTS.includes(name))
  .map(([name, command]): [string, string] => {
    const file = /\bnode\b.*?\s((?:dist|bench|scripts)\/\S+\.(?:js|ts))\b/.exec(command)?.[1];
    if (!file) throw new Error(`npm script ${name} (${command}) runs no file of ours: add it to TOOL_SCRIPTS or give it a --help`);
    return [file.replace(/^dist\/(.*)\.js$/, 'src/$1.ts'), name === 'start' ? 'Usage: npm start' : `Usage: npm run ${name}`];
  });

/** Benchmarks the README or docs/BENCHMARKS.md tell people to run directly. */
const directly: Array<[string, string]> = [['bench/footprint.ts', 'Usage: node --import tsx bench/footprint.ts']];

it('finds the npm scripts that run our entry points', () => {
  expect(scripts.map(([file]) => file)).toEqual(
    expect.arrayContaining(['src/main.ts', 'src/doctor.ts', 'src/migrate/import-whatsappinslack.ts', 'bench/webhook.ts', 'scripts/emoji-table.ts']),
  );
});

const EMOJI_TABLE = 'src/slack/emoji-table.ts';

describe.each([...scripts, ...directly])('%s', (entry, usage) => {
  it('prints its usage on --help and exits 0 without starting anything', async () => {
    const table = statSync(EMOJI_TABLE).mtimeMs;
    const { code, stdout, stderr } = await run(entry, ['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.startsWith(usage)).toBe(true);
    expect(stdout).toContain('-h, --help');
    expect(stdout).not.toMatch(/^[✓✗] /m); // doctor ran no check
    expect(readdirSync(dir)).toEqual([]); // no store was opened
    expect(statSync(EMOJI_TABLE).mtimeMs).toBe(table); // the emoji generator rewrites its table when it runs
  });

  it('refuses an unknown option with its usage and exit 2', async () => {
    const { code, stdout, stderr } = await run(entry, ['--bogus']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: Unknown option '--bogus'/);
    expect(stderr).toContain(usage);
    expect(stdout).toBe('');
    expect(existsSync(join(dir, 'switchboard.db'))).toBe(false);
  });
});

describe('npm run import:whatsappinslack', () => {
  it('says what it is doing and how far it got, every 500 threads', async () => {
    const mongo = await createFakeMongo();
    const slack = await createFakeSlack({ channels: [{ id: 'C0123456789', name: 'support' }] });
    const work = mkdtempSync(join(tmpdir(), 'switchboard-import-'));
    onTestFinished(async () => {
      await Promise.all([mongo.close(), slack.close()]);
      rmSync(work, { recursive: true, force: true });
    });
    const url = mongo.uri('whatsappinslack');
    const client = await new MongoClient(url).connect();
    try {
      // NANP's fictional 555-01xx block is too small for 1,001 contacts: +1 650 555 0000…1000
      const docs = Array.from({ length: 1_001 }, (_, i) => ({ userId: `1650555${String(i).padStart(4, '0')}@c.us`, thread_ts: `1700000000.${String(i).padStart(6, '0')}` }));
      await client.db().collection('userThreads').insertMany(docs);
    } finally {
      await client.close();
    }
    const env = testEnv({ DATABASE_URL: `sqlite:${join(work, 'switchboard.db')}`, SLACK_BOT_TOKEN: slack.token, SLACK_API_URL: slack.url, SLACK_CHANNEL: 'support' });
    const { code, stdout, stderr } = await runEntryPoint('src/migrate/import-whatsappinslack.ts', [url], { env, cwd: work, timeoutMs: 60_000 });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.trim().split('\n')).toEqual([
      `connecting to MongoDB at 127.0.0.1:${new URL(url).port}/whatsappinslack…`,
      'finding the Slack channel support…',
      'opening the store (sqlite)…',
      'importing 1001 threads from userThreads…',
      '  500 of 1001: 500 imported, 0 kept, 0 rejected',
      '  1000 of 1001: 1000 imported, 0 kept, 0 rejected',
      'imported 1001 threads into C0123456789, kept 0 already known, rejected 0',
    ]);
  }, 90_000);

  it('says in one line, without a stack, that MongoDB does not answer, before touching Slack or the store', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const url = `mongodb://importer:s3cret@127.0.0.1:${port}/whatsappinslack?serverSelectionTimeoutMS=300`;
    const { code, stdout, stderr } = await run('src/migrate/import-whatsappinslack.ts', [url]);
    expect(code).toBe(1);
    expect(stdout).toBe(`connecting to MongoDB at 127.0.0.1:${port}/whatsappinslack…\n`);
    expect(stderr).toMatch(new RegExp(`^import failed: could not reach MongoDB at 127\\.0\\.0\\.1:${port}/whatsappinslack within 300 ms \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\): check the URL`));
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toContain('s3cret');
    expect(readdirSync(dir)).toEqual([]);
  });
});
