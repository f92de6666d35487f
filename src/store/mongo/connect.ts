import { MongoClient, MongoParseError, MongoServerSelectionError, type MongoClientOptions } from 'mongodb';
import { StoreUnavailableError } from '../errors.js';

/**
 * Bounds on every driver call, unless the URL sets its own: finding a server, opening a
 * connection, waiting for a pooled one, and a socket that stops answering. A call therefore fails
 * (transient, see errors.ts) within seconds when the deployment is away, and the webhook answers
 * 503 or the job is retried, instead of hanging.
 */
export const MONGO_BOUNDS = {
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 5_000,
  waitQueueTimeoutMS: 5_000,
  socketTimeoutMS: 30_000,
} as const;

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ESERVFAIL', 'ETIMEOUT', 'ENODATA']);

/** host:port/database of a MongoDB URL, without the credentials or options it may carry. */
export function describeMongoUrl(url: string): string {
  return url
    .replace(/^mongodb(\+srv)?:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .replace(/\?.*$/, '');
}

/** The driver's words for why, without its stack or its topology dump. */
export function mongoReason(err: unknown): string {
  const e = err as { message?: string; reason?: { servers?: Map<string, { error?: { message?: string } }> } };
  for (const server of e.reason?.servers?.values() ?? []) {
    if (server.error?.message) return server.error.message;
  }
  return e.message ?? String(err);
}

export const duration = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

/** The URL's own value of an option (case-insensitive, as the driver reads them). */
export function urlOption(url: string, name: string): string | undefined {
  const query = url.split('?')[1] ?? '';
  for (const pair of query.split('&')) {
    const [k, v] = pair.split('=');
    if (k && v !== undefined && k.toLowerCase() === name.toLowerCase()) return decodeURIComponent(v);
  }
  return undefined;
}

/** Our bounds where the URL says nothing; what the URL says wins. */
export function boundedOptions(url: string, extra: MongoClientOptions = {}): MongoClientOptions {
  const options: MongoClientOptions = { appName: 'switchboard', ...extra };
  for (const [name, value] of Object.entries(MONGO_BOUNDS)) {
    if (urlOption(url, name) === undefined) Object.assign(options, { [name]: value });
  }
  return options;
}

/**
 * Connects with these options; any failure becomes one line that names the server (never the
 * password) and why, without the driver's stack or topology dump.
 */
export async function connectClient(url: string, options: MongoClientOptions): Promise<MongoClient> {
  const timeoutMs = Number(urlOption(url, 'serverSelectionTimeoutMS') ?? options.serverSelectionTimeoutMS ?? 30_000);
  const where = describeMongoUrl(url);
  let client: MongoClient | undefined;
  try {
    client = new MongoClient(url, options);
    await client.connect();
    return client;
  } catch (err) {
    await client?.close().catch(() => undefined);
    if (err instanceof MongoParseError) throw new Error(`not a valid MongoDB URL (${err.message})`, { cause: err });
    // mongodb+srv:// resolves its servers through DNS before any connection is tried.
    if (DNS_CODES.has(String((err as { code?: unknown }).code))) {
      throw new Error(`could not look up MongoDB at ${where} (${mongoReason(err)}): check the host name in the URL (a mongodb+srv:// URL needs its DNS SRV record) and this machine's DNS`, { cause: err });
    }
    if (err instanceof MongoServerSelectionError) {
      throw new Error(`could not reach MongoDB at ${where} within ${duration(timeoutMs)} (${mongoReason(err)}): check the URL, that the server runs and that this machine may connect to it`, { cause: err });
    }
    throw new Error(`MongoDB at ${where} refused the connection: ${mongoReason(err)}`, { cause: err });
  }
}

/** The store's connection: bounded (MONGO_BOUNDS), and a failure is the one line start-up shows. */
export async function connectStoreClient(url: string, extra: MongoClientOptions = {}): Promise<MongoClient> {
  try {
    return await connectClient(url, boundedOptions(url, extra));
  } catch (err) {
    throw new StoreUnavailableError(`DATABASE_URL: ${(err as Error).message}`, { cause: err });
  }
}
