/**
 * Opens one MongoClient for the process. No retries here: the composition root decides how long
 * to wait for the database at start-up.
 */
import { MongoClient, type Db } from 'mongodb';
import { StoreUnavailableError } from '../../application/ports/event-store.port.js';

export interface MongoConnectionOptions {
  /** How long an operation waits for a usable server before failing. Default 5000 ms. */
  readonly serverSelectionTimeoutMS?: number;
  /** Shown in the server's logs and currentOp. */
  readonly appName?: string;
}

export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
}

export const DEFAULT_DATABASE_NAME = 'auth';

export async function connectMongo(
  uri: string,
  options: MongoConnectionOptions = {},
): Promise<MongoConnection> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
    connectTimeoutMS: 5_000,
    // Bounds a hung server; longer than any query this service makes.
    socketTimeoutMS: 30_000,
    maxPoolSize: 20,
    // An acknowledged append must survive a replica-set failover (research §2.5: a w:1 write can
    // roll back and its position be reused), and a projection must never read an event that may
    // still roll back. On a standalone server (and FerretDB, which accepts both) nothing changes.
    writeConcern: { w: 'majority' },
    readConcern: { level: 'majority' },
    ...(options.appName === undefined ? {} : { appName: options.appName }),
  });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => {});
    throw new StoreUnavailableError(`Cannot connect to MongoDB: ${messageOf(error)}`, {
      cause: error,
    });
  }
  return { client, db: client.db(databaseNameFromUri(uri)) };
}

/**
 * The database named in the URI path (`mongodb://host/<name>?…`), or 'auth'. The driver's own
 * default would be 'test', which is never what this service wants.
 */
export function databaseNameFromUri(uri: string): string {
  const afterScheme = uri.slice(uri.indexOf('://') + 3);
  const slash = afterScheme.indexOf('/');
  if (slash === -1) return DEFAULT_DATABASE_NAME;
  const path = afterScheme.slice(slash + 1).split('?')[0] ?? '';
  return path === '' ? DEFAULT_DATABASE_NAME : decodeURIComponent(path);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
