import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeMongo } from '../fakes/mongo.js';
import { postgresFixture, sqliteFixture, type CreatedStore } from '../support/stores.js';

const execFileAsync = promisify(execFile);

/** The drivers a fresh process has loaded once the service's modules are in and this store is open. */
async function driversLoaded(url: string): Promise<string[]> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'test/support/drivers-loaded.ts', url]);
  return JSON.parse(stdout) as string[];
}

describe('store drivers are loaded only by the store that needs them', () => {
  let created: CreatedStore | undefined;
  afterEach(async () => {
    await created?.drop();
    created = undefined;
  });

  it('a SQLite deployment never loads pg', async () => {
    created = await sqliteFixture.create();
    expect(await driversLoaded(created.url)).toEqual(['better-sqlite3']);
  });

  it('a PostgreSQL deployment never loads better-sqlite3', async () => {
    created = await postgresFixture.create();
    expect(await driversLoaded(created.url)).toEqual(['pg']);
  });

  it('a MongoDB deployment loads the mongodb driver and neither SQL one', async () => {
    const fake = await createFakeMongo();
    try {
      expect(await driversLoaded(fake.uri('switchboard'))).toEqual(['mongodb']);
    } finally {
      await fake.close();
    }
  });
});
