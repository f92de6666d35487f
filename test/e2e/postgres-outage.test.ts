import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { fakeVendorsForProcess, postWebhook, relayedTexts, startService, SUPPORT_CHANNEL as CHANNEL, waitFor, type ServiceProcess } from '../support/service-process.js';
import { PG_ADMIN_URL, postgresFixture, type CreatedStore } from '../support/stores.js';
import { createTcpProxy } from '../support/tcp-proxy.js';
import { textWebhook } from '../support/webhooks.js';

/** Several service processes start (each a few seconds on a busy machine). */
const PROCESS_TEST_TIMEOUT_MS = 90_000;

/** The service as a process on a fresh PostgreSQL database (reached at `url`), against fake Slack and Graph. */
async function serviceOn(url: (db: CreatedStore) => string) {
  const db = await postgresFixture.create();
  const { slack, env } = await fakeVendorsForProcess();
  const cwd = mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
  const service = startService(env({ DATABASE_URL: url(db) }), cwd);
  onTestFinished(async () => {
    service.child.kill('SIGKILL');
    await service.exited;
    await db.drop();
    rmSync(cwd, { recursive: true, force: true });
  });
  const base = await service.listening();
  return { db, slack, service, base };
}

async function readyz(base: string): Promise<{ status: number; store?: { ok: boolean; detail?: string } }> {
  const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(30_000) });
  const body = (await res.json()) as { checks: { name: string; ok: boolean; detail?: string }[] };
  return { status: res.status, store: body.checks.find((c) => c.name === 'store') };
}

const storeLogLines = (service: ServiceProcess) => service.logs().filter((l) => l.msg === 'store unavailable: answering 503 so the sender retries');

describe('the service on PostgreSQL when connections are lost', () => {
  const admins: pg.Client[] = [];
  afterEach(async () => {
    await Promise.all(admins.splice(0).map((c) => c.end()));
  });

  it('survives its backends being terminated under load: never exits, answers 200 or 503, relays every message once', async () => {
    const { db, slack, service, base } = await serviceOn((d) => d.url);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    admins.push(admin);
    const dbName = new URL(db.url).pathname.slice(1);

    const sent: { body: ReturnType<typeof textWebhook>; text: string; status: Promise<number> }[] = [];
    const send = (i: number) => {
      const text = `message ${i}`;
      const body = textWebhook(`wamid.chaos.${i}`, text, { from: `1650555${String(1200 + (i % 4))}`, timestamp: 1_749_416_383 + i });
      sent.push({ body, text, status: postWebhook(base, body) });
    };
    // Bounded chaos: every 250-700 ms all of the service's backends are terminated, with about
    // five webhooks a second arriving meanwhile.
    for (let round = 0; round < 20 && service.child.exitCode === null; round += 1) {
      const pause = 250 + Math.floor(Math.random() * 450);
      for (let k = 0; k < Math.ceil(pause / 200); k += 1) send(sent.length);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName]);
      await new Promise((r) => setTimeout(r, pause));
    }
    const statuses = await Promise.all(sent.map((s) => s.status));

    expect(service.logs().filter((l) => l.level === 60)).toEqual([]);
    expect(service.child.exitCode).toBeNull();
    expect(new Set(statuses)).toEqual(new Set(statuses.filter((s) => s === 200 || s === 503)));
    if (statuses.includes(503)) await waitFor(() => storeLogLines(service).length > 0, 'a log line naming the cause of the 503s');

    // As Meta does, the senders of the 503s retry; the service has carried on by itself.
    const refused = sent.filter((_, i) => statuses[i] !== 200);
    for (const s of refused) await waitFor(async () => (await postWebhook(base, s.body)) === 200, `${s.text} to be accepted on retry`);
    const texts = sent.map((s) => s.text);
    await waitFor(() => texts.every((t) => relayedTexts(slack, CHANNEL).includes(t)), 'every message to reach Slack', 60_000);
    const relayed = relayedTexts(slack, CHANNEL);
    expect(relayed.filter((t) => texts.includes(t)).sort()).toEqual([...texts].sort());
  }, PROCESS_TEST_TIMEOUT_MS);

  it('answers 503 and says in /readyz why while the database refuses connections, and carries on by itself when it is back', async () => {
    const proxy = await createTcpProxy({ host: '127.0.0.1', port: Number(new URL(PG_ADMIN_URL).port || 5432) });
    onTestFinished(() => proxy.close());
    const { slack, service, base } = await serviceOn((d) => {
      const u = new URL(d.url);
      u.port = String(proxy.port);
      return u.toString();
    });
    expect((await readyz(base)).status).toBe(200);

    await proxy.down();
    const down = await waitFor(async () => {
      const r = await readyz(base);
      return r.store?.ok === false && r;
    }, '/readyz to report the store down');
    expect(down.status).toBe(503);
    expect(down.store?.detail).toMatch(/connection refused/);
    expect(await postWebhook(base, textWebhook('wamid.down.1', 'while down'))).toBe(503);
    // The log line is written as the 503 is sent; it reaches us through a pipe a moment later.
    expect(await waitFor(() => storeLogLines(service).at(-1), 'the log line')).toMatchObject({ cause: expect.stringMatching(/connection refused/) });
    expect(service.child.exitCode).toBeNull();

    await proxy.up();
    await waitFor(async () => (await readyz(base)).status === 200, '/readyz to recover');
    expect(await postWebhook(base, textWebhook('wamid.down.1', 'while down'))).toBe(200);
    await waitFor(() => relayedTexts(slack, CHANNEL).includes('while down'), 'the message to reach Slack');
  }, PROCESS_TEST_TIMEOUT_MS);
});
