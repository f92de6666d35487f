// Run by tests as a separate process: loads the whole service's module graph, opens the store at
// argv[2] and prints which database drivers ended up loaded.
import { createRequire } from 'node:module';
import '../../src/app.js';
import { openStore } from '../../src/store/open.js';

const store = await openStore(process.argv[2]!);
try {
  await store.migrate();
} finally {
  await store.close();
}
const loaded = Object.keys(createRequire(import.meta.url).cache);
const drivers = ['pg', 'better-sqlite3', 'mongodb'].filter((name) => loaded.some((path) => path.includes(`/node_modules/${name}/`)));
process.stdout.write(JSON.stringify(drivers));
