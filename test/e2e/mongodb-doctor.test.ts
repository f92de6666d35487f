import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeGraph, type FakeGraph } from '../fakes/graph.js';
import { createFakeMongo, type FakeMongo } from '../fakes/mongo.js';
import { createFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { openMongo } from '../../src/store/mongo/index.js';
import { LATEST_VERSION, mongoMigrations } from '../../src/store/mongo/schema.js';
import { runEntryPoint } from '../support/entry-point.js';
import { testEnv } from '../support/env.js';

/** The schema versions a fresh database has pending. */
const versions = mongoMigrations.map((m) => m.version);

/** No .env in reach: only the environment below counts. */
const dir = mkdtempSync(join(tmpdir(), 'switchboard-mongo-doctor-'));
let slack: FakeSlack;
let graph: FakeGraph;
let mongo: FakeMongo;
beforeAll(async () => {
  slack = await createFakeSlack({ channels: [{ id: 'C0123456789', name: 'support' }] });
  graph = await createFakeGraph({ token: 'test-graph-token', phoneNumberId: '123456789012345', displayPhoneNumber: '15550783881' });
  mongo = await createFakeMongo();
});
afterAll(async () => {
  await Promise.all([slack.close(), graph.close(), mongo.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const doctor = (db: string) =>
  runEntryPoint('src/doctor.ts', [], {
    env: testEnv({
      DATABASE_URL: mongo.uri(db, { serverSelectionTimeoutMS: 500 }),
      SLACK_BOT_TOKEN: slack.token,
      SLACK_API_URL: slack.url,
      WHATSAPP_GRAPH_URL: graph.url,
      WHATSAPP_PHONE_NUMBER_ID: '123456789012345',
    }),
    cwd: dir,
    timeoutMs: 60_000,
  });

describe('npm run doctor on a MongoDB store', () => {
  it('names the server version, whether intake has transactions, and the schema version', async () => {
    const fresh = await doctor('fresh');
    expect(fresh.stdout).toContain('✓ store connection: MongoDB 7.0.0 answers (standalone: intake on single-document writes)');
    expect(fresh.stdout).toContain(`✓ store migrations: no schema version yet (a fresh database), ${versions.length} pending (${versions.join(', ')}); the service applies them when it starts`);

    const store = await openMongo(mongo.uri('migrated'));
    await store.migrate();
    await store.close();
    expect((await doctor('migrated')).stdout).toContain(`✓ store migrations: schema version ${LATEST_VERSION}, all applied`);
  });

  it('says in one line that MongoDB cannot be reached, with the fix', async () => {
    await mongo.refuseConnections();
    try {
      const { code, stdout } = await doctor('any');
      expect(code).toBe(1);
      expect(stdout).toMatch(
        new RegExp(`✗ store connection: mongodb: DATABASE_URL: could not reach MongoDB at 127\\.0\\.0\\.1:${mongo.port}/any within 500 ms \\(connect ECONNREFUSED [^)]*\\): check the URL.*\\n {4}fix: check DATABASE_URL`),
      );
    } finally {
      await mongo.acceptConnections();
    }
  });
});
