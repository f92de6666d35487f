import type { MongoClient } from 'mongodb';
import { connectClient, describeMongoUrl, urlOption } from '../store/mongo/connect.js';

export { describeMongoUrl };

/** How long to look for a server before giving up, unless the URL says otherwise. */
export const DEFAULT_SERVER_SELECTION_MS = 10_000;

/**
 * Connects to the earlier tool's database, bounded: the driver waits `serverSelectionTimeoutMS`
 * for a usable server (10 s here unless the URL sets its own). Any failure is one line.
 */
export async function connectMongo(url: string): Promise<MongoClient> {
  const own = urlOption(url, 'serverSelectionTimeoutMS') !== undefined;
  return connectClient(url, own ? {} : { serverSelectionTimeoutMS: DEFAULT_SERVER_SELECTION_MS });
}
