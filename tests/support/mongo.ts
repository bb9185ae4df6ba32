/**
 * Per-test databases on the server the global setup found (tests/support/mongo-global-setup.ts).
 * Each call gets its own database, so test files and cases never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { inject } from 'vitest';

export interface TestDatabase {
  readonly client: MongoClient;
  readonly db: Db;
  /** A URI naming this database, e.g. to start the service under test with MONGODB_URI=uri. */
  readonly uri: string;
  readonly dbName: string;
  /** Drops the database and closes the client. */
  drop(): Promise<void>;
}

export async function useTestDatabase(prefix = 'db'): Promise<TestDatabase> {
  const dbName = `t_${prefix}_${randomBytes(6).toString('hex')}`;
  const uri = withDatabase(inject('mongoUri'), dbName);
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const db = client.db(dbName);
  return {
    client,
    db,
    uri,
    dbName,
    drop: async () => {
      try {
        await db.dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

/** Which server the suite runs against, e.g. "FerretDB 1.24.2 (sqlite) at mongodb://…". */
export function mongoServerLabel(): string {
  return inject('mongoServer');
}

/**
 * Replaces the path of a mongodb:// URI with `/<dbName>`, keeping credentials and options. With
 * credentials the path was also the authentication database, so it moves to `authSource`.
 */
function withDatabase(baseUri: string, dbName: string): string {
  const schemeEnd = baseUri.indexOf('://') + 3;
  const queryStart = baseUri.indexOf('?', schemeEnd);
  const beforeQuery = queryStart === -1 ? baseUri : baseUri.slice(0, queryStart);
  const pathStart = beforeQuery.indexOf('/', schemeEnd);
  const hosts = pathStart === -1 ? beforeQuery : beforeQuery.slice(0, pathStart);
  const originalDb = pathStart === -1 ? '' : beforeQuery.slice(pathStart + 1);
  const params = new URLSearchParams(queryStart === -1 ? '' : baseUri.slice(queryStart + 1));
  if (hosts.includes('@') && !params.has('authSource')) {
    params.set('authSource', originalDb === '' ? 'admin' : decodeURIComponent(originalDb));
  }
  const query = params.toString();
  return `${hosts}/${dbName}${query === '' ? '' : `?${query}`}`;
}
