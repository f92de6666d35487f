import { createMemoryData, createMemoryStore } from '../../src/store/memory/index.js';
import { storeFixtures } from '../support/stores.js';
import { describeStoreContract } from './contract/index.js';

/** The same cases on every store this repository ships (the MongoDB store runs them from its own file). */
describeStoreContract(
  'memory',
  async ({ clock }) => {
    const data = createMemoryData(clock);
    return { store: createMemoryStore({ data }), another: async () => createMemoryStore({ data }), drop: async () => undefined };
  },
  { multiInstance: true },
);

for (const fixture of storeFixtures) {
  describeStoreContract(
    fixture.name,
    async ({ clock }) => {
      const created = await fixture.create();
      return { store: await created.open({ clock }), another: () => created.open({ clock }), drop: () => created.drop() };
    },
    // Several instances share PostgreSQL; an embedded SQLite file serves one process.
    { multiInstance: fixture.name === 'postgres' },
  );
}
