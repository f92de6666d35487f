import { describe, it } from 'vitest';
import { openMongo } from '../../src/store/mongo/index.js';
import { mongoTargets } from '../support/mongo.js';
import { describeStoreContract } from './contract/index.js';

/**
 * The store contract on MongoDB: on the wire-protocol fake (a standalone server: intake without
 * transactions, so a failed unit of work must converge on retry), and on MONGODB_URL's server when
 * set, with or without transactions as that deployment reports them.
 */
for (const target of mongoTargets) {
  let transactionalIntake = false;
  if (target.name === 'real') {
    const probe = await target.create();
    const store = await openMongo(probe.url);
    transactionalIntake = store.transactions;
    await store.close();
    await probe.drop();
  }
  describeStoreContract(
    `mongodb (${target.name} server)`,
    async ({ clock }) => {
      const created = await target.create();
      return { store: await openMongo(created.url, { clock }), another: () => openMongo(created.url, { clock }), drop: () => created.drop() };
    },
    { multiInstance: true, transactionalIntake },
  );
}

if (!mongoTargets.some((t) => t.name === 'real')) {
  // Shown as skipped, with why, rather than silently absent.
  describe('store contract on mongodb (real server)', () => {
    it.skip('runs on MONGODB_URL=mongodb://… when it is set (no MongoDB server can be installed on this machine)', () => undefined);
  });
}
