import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createFakeJira } from '../fakes/jira.js';
import { loadedPackages, RESOLVE_LOG } from '../support/loaded-packages.js';
import { fakeVendorsForProcess, startService, waitFor, type ServiceProcess } from '../support/service-process.js';

/**
 * Which optional packages a configuration loads (issue 14, footprint): the service runs as a
 * process with a loader hook that logs every module it resolves. Each of these packages costs
 * memory at start whether or not anything calls it (Baileys alone ~58 MiB, jira.js ~35 MiB).
 */
const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function run(env: Record<string, string | undefined>, entry?: string): { service: ServiceProcess; loaded: () => Set<string> } {
  const cwd = mkdtempSync(join(tmpdir(), 'switchboard-lazy-'));
  dirs.push(cwd);
  const log = join(cwd, 'resolved.log');
  const service = startService({ ...env, RESOLVE_LOG_FILE: log }, cwd, undefined, { entry, nodeArgs: ['--import', RESOLVE_LOG] });
  onTestFinished(() => {
    service.child.kill('SIGKILL');
  });
  return { service, loaded: () => loadedPackages(log) };
}

describe('packages loaded at start', () => {
  /** The Cloud API transport on SQLite, no Jira, no Slack app token: started, ready, and what it loaded. */
  async function cloudOnly(): Promise<Set<string>> {
    const { env } = await fakeVendorsForProcess();
    const { service, loaded } = run(env({ SLACK_APP_TOKEN: undefined, JIRA_BASE_URL: undefined }));
    const base = await service.listening();
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, '/readyz');
    return loaded();
  }

  it('loads neither Baileys, qrcode, @slack/socket-mode nor jira.js with the Cloud API transport, no Jira and no app token', async () => {
    const loaded = await cloudOnly();
    // The hook saw the packages the service does use (so an empty log cannot pass).
    expect(loaded).toContain('fastify');
    expect(loaded).toContain('@slack/web-api');
    expect(loaded).toContain('better-sqlite3');
    for (const name of ['baileys', 'qrcode', '@slack/socket-mode', 'jira.js', 'mongodb', 'js-yaml']) expect(loaded, name).not.toContain(name);
  });

  it('does not load pg on SQLite (the store opener imports only the driver DATABASE_URL selects)', async () => {
    const loaded = await cloudOnly();
    expect(loaded).toContain('better-sqlite3');
    expect(loaded).not.toContain('pg');
  });

  it("does not load fastify's schema compilers (Ajv and its formats, fast-json-stringify's compiler): no route declares a schema", async () => {
    const loaded = await cloudOnly();
    // what fastify require()s is in the log too (the hook sees CommonJS as well as ESM)
    expect(loaded).toContain('find-my-way');
    // (fastify's error serializer takes fast-json-stringify's small runtime part whatever the options)
    for (const name of ['ajv', 'ajv-formats', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler']) expect(loaded, name).not.toContain(name);
  });

  it('loads Baileys and qrcode with WHATSAPP_TRANSPORT=web, jira.js with Jira, @slack/socket-mode with an app token', async () => {
    const { env } = await fakeVendorsForProcess();
    const jira = await createFakeJira({
      email: 'agent@example.com',
      apiToken: 'test-jira-token',
      serviceDesks: [{ id: '1', projectKey: 'SUP', name: 'Clinic support', requestTypes: [{ id: '10', name: 'WhatsApp conversation' }] }],
    });
    onTestFinished(() => jira.close());
    // test/support/probe-service.ts: main.ts's wiring with a WhatsApp Web socket that connects nowhere and shows a QR.
    const { service, loaded } = run(
      env({
        WHATSAPP_TRANSPORT: 'web',
        WHATSAPP_TOKEN: undefined,
        WHATSAPP_PHONE_NUMBER_ID: undefined,
        SLACK_APP_TOKEN: 'xapp-1-A0123456789-0000000000000-test',
        JIRA_BASE_URL: jira.url,
        JIRA_EMAIL: 'agent@example.com',
        JIRA_API_TOKEN: 'test-jira-token',
        JIRA_SERVICE_DESK_ID: '1',
        JIRA_REQUEST_TYPE_ID: '10',
        JIRA_WEBHOOK_SECRET: 'test-jira-webhook-secret',
      }),
      'test/support/probe-service.ts',
    );
    await service.listening();
    // The QR is drawn in the log; qrcode is loaded for it.
    await waitFor(() => service.logs().some((l) => String(l.msg).startsWith('WhatsApp Web is not paired')), 'the QR in the log');
    const names = loaded();
    for (const name of ['baileys', 'qrcode', '@slack/socket-mode', 'jira.js']) expect(names, name).toContain(name);
  });

  it('no service code imports or requires emojibase-data: it is a devDependency, absent from the production image', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
    const naming = files(join(process.cwd(), 'src')).filter((f) => /['"]emojibase-data[/'"]/.test(readFileSync(f, 'utf8')));
    expect(naming).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('emojibase-data');
  });
});
