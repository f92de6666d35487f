import { MongoClient, MongoParseError, MongoServerSelectionError } from 'mongodb';

/** How long to look for a server before giving up, unless the URL says otherwise. */
export const DEFAULT_SERVER_SELECTION_MS = 10_000;

/** host:port/database of a MongoDB URL, without the credentials or options it may carry. */
export function describeMongoUrl(url: string): string {
  return url
    .replace(/^mongodb(\+srv)?:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .replace(/\?.*$/, '');
}

/** The driver's words for why, without its stack or its topology dump. */
function reasonOf(err: unknown): string {
  const e = err as { message?: string; reason?: { servers?: Map<string, { error?: { message?: string } }> } };
  for (const server of e.reason?.servers?.values() ?? []) {
    if (server.error?.message) return server.error.message;
  }
  return e.message ?? String(err);
}

const duration = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * Connects, bounded: the driver waits `serverSelectionTimeoutMS` for a usable server (10 s here
 * unless the URL sets its own `?serverSelectionTimeoutMS=`). Any failure becomes one line that
 * names the server (never the password) and why.
 */
export async function connectMongo(url: string): Promise<MongoClient> {
  const own = /[?&]serverSelectionTimeoutMS=(\d+)/i.exec(url);
  const timeoutMs = own ? Number(own[1]) : DEFAULT_SERVER_SELECTION_MS;
  const where = describeMongoUrl(url);
  let client: MongoClient | undefined;
  try {
    client = new MongoClient(url, own ? {} : { serverSelectionTimeoutMS: timeoutMs });
    await client.connect();
    return client;
  } catch (err) {
    await client?.close().catch(() => undefined);
    if (err instanceof MongoParseError) throw new Error(`the MongoDB URL is not valid: ${err.message}`, { cause: err });
    if (err instanceof MongoServerSelectionError) {
      throw new Error(`could not reach MongoDB at ${where} within ${duration(timeoutMs)} (${reasonOf(err)}): check the URL, that the server runs and that this machine may connect to it`, { cause: err });
    }
    throw new Error(`MongoDB at ${where} refused the connection: ${reasonOf(err)}`, { cause: err });
  }
}
