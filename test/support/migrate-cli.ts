// Run by tests as a separate process: opens the store at argv[2], migrates, prints the report.
import { openSqlStore } from '../../src/store/sql-store.js';

const store = await openSqlStore(process.argv[2]!);
try {
  const report = await store.migrate();
  process.stdout.write(JSON.stringify(report));
} finally {
  await store.close();
}
