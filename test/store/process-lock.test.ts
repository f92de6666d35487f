import { realpathSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreInUseError } from '../../src/store/errors.js';
import { storeInUse } from '../../src/store/open.js';
import { openSqlStore, type SqlStore } from '../../src/store/sql-store.js';
import { sqliteFixture, type CreatedStore } from '../support/stores.js';

describe('the embedded store process lock', () => {
  let created: CreatedStore;
  const open: SqlStore[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await created.drop();
  });

  it('lets one exclusive opener at a time use a file, while others may still read it', async () => {
    created = await sqliteFixture.create();
    const first = await openSqlStore(created.url, { exclusive: true });
    open.push(first);
    expect(first.exclusive).toBe(true);
    await first.migrate();
    expect(await storeInUse(created.url)).toBe(true);

    await expect(openSqlStore(created.url, { exclusive: true })).rejects.toThrow(StoreInUseError);
    await expect(openSqlStore(created.url, { exclusive: true })).rejects.toThrow(`${realpathSync(created.url.slice('sqlite:'.length))} is in use by another Switchboard process`);
    // A tool (doctor, backup, migration CLI) is not a Switchboard process: it reads beside it.
    const reader = await openSqlStore(created.url);
    open.push(reader);
    expect(reader.exclusive).toBe(false);
    expect(await reader.pendingMigrations()).toEqual([]);

    await open.shift()!.close();
    expect(await storeInUse(created.url)).toBe(false);
    const next = await openSqlStore(created.url, { exclusive: true });
    open.push(next);
    expect(next.exclusive).toBe(true);
  });
});
