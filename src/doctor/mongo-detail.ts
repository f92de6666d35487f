import type { Store } from '../core/store/store.js';
import type { MongoStore } from '../store/mongo/index.js';

/**
 * What the doctor says about a MongoDB store beyond "answers": the server's version, whether
 * intake can use transactions there, and the schema version recorded in the database.
 */
export async function mongoStoreDetail(store: Store): Promise<{ connection: string; schema: string } | undefined> {
  if (store.kind !== 'mongodb' || !('serverVersion' in store)) return undefined;
  const mongo = store as MongoStore;
  const version = await mongo.serverVersion();
  const mode = mongo.transactions ? 'replica set or cluster: intake in transactions' : 'standalone: intake on single-document writes';
  const schema = await mongo.schemaVersion();
  return {
    connection: `MongoDB ${version} answers (${mode})`,
    schema: schema === undefined ? 'no schema version yet (a fresh database)' : `schema version ${schema}`,
  };
}
