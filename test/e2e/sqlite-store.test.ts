import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startHarness } from '../support/harness.js';
import { fakeVendorsForProcess, postWebhook, relayedTexts, startService, SUPPORT_CHANNEL as CHANNEL, waitFor } from '../support/service-process.js';
import { textWebhook } from '../support/webhooks.js';
import { sqlDb } from '../../src/store/sql-store.js';

/** Several service processes start (each a few seconds on a busy machine). */
const PROCESS_TEST_TIMEOUT_MS = 60_000;

describe('the service on the embedded store', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A scratch working directory (the store lands in ./data/switchboard.db) and an environment against the fakes. */
  async function setUp() {
    const cwd = mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
    dirs.push(cwd);
    const { slack, env } = await fakeVendorsForProcess();
    const start = () => {
      const service = startService(env(), cwd);
      onTestFinished(async () => {
        service.child.kill('SIGKILL');
        await service.exited;
      });
      return service;
    };
    return { cwd, slack, start, file: join(cwd, 'data', 'switchboard.db') };
  }

  it('refuses a second process on the same file with one clear line, and a process killed with kill -9 leaves no lock behind', async () => {
    const { start, file } = await setUp();
    const first = start();
    await first.listening();

    const second = start();
    expect(await second.exited).toBe(1);
    const lines = second.out.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(realpathSync(file));
    expect(lines[0]).toContain('in use by another Switchboard process');
    expect(first.child.exitCode).toBeNull();

    first.child.kill('SIGKILL');
    await first.exited;
    const third = start();
    const base = await third.listening();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }, PROCESS_TEST_TIMEOUT_MS);

  it('answers 503 at once while another process holds the write lock, keeps /healthz answering, and carries on when the lock is gone', async () => {
    const { start, file, slack } = await setUp();
    const service = start();
    const base = await service.listening();

    // An operator's sqlite3 shell, a backup tool: not a Switchboard, so not refused, but it can hold the write lock.
    const other = new BetterSqlite3(file);
    onTestFinished(() => {
      if (other.open) other.close();
    });
    other.exec('begin immediate');
    const webhooks = Array.from({ length: 6 }, (_, i) => textWebhook(`wamid.locked.${i}`, `locked ${i}`, { timestamp: 1_749_416_383 + i }));
    const answers = webhooks.map((body) => postWebhook(base, body));
    // While the lock is held and the webhooks (and the worker's polls) wait on it, the process
    // still answers health checks. The client timeout is generous: many times the store's longest wait.
    for (let i = 0; i < 5; i += 1) {
      expect((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200);
    }
    const statuses = await Promise.all(answers);
    expect(statuses).toEqual(webhooks.map(() => 503));
    const logged = await waitFor(() => service.logs().find((l) => l.msg === 'store unavailable: answering 503 so the sender retries'), 'the log line');
    expect(logged).toMatchObject({ cause: 'database is locked by another process' });

    other.exec('rollback');
    other.close();
    for (const body of webhooks) await waitFor(async () => (await postWebhook(base, body)) === 200, 'the webhook to be accepted on retry');
    await waitFor(() => webhooks.every((_, i) => relayedTexts(slack, CHANNEL).includes(`locked ${i}`)), 'every message to reach Slack');
    expect(service.child.exitCode).toBeNull();
  }, PROCESS_TEST_TIMEOUT_MS);

  it('says in the log that the disk is full, and answers 503 so the sender retries', async () => {
    const lines: string[] = [];
    const logs = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const h = await startHarness({ logs });
    onTestFinished(() => h.close());
    // A database that may not grow by a single page behaves as a full disk does (SQLITE_FULL).
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(sqlDb(h.app.store))).rows[0]!.page_count;
    await sql.raw(`pragma max_page_count = ${pages}`).execute(sqlDb(h.app.store));

    let status = 200;
    for (let i = 0; i < 200 && status === 200; i += 1) {
      status = (await h.webhook(textWebhook(`wamid.full.${i}`, `${i} ${'x'.repeat(3_000)}`))).status;
    }
    expect(status).toBe(503);
    const refused = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'store unavailable: answering 503 so the sender retries');
    expect(refused).toMatchObject({ cause: 'disk full' });
    expect(lines.join('\n')).not.toContain('no transaction is active');
  }, PROCESS_TEST_TIMEOUT_MS);
});
