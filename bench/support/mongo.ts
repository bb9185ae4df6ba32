/**
 * A MongoDB-compatible server for the benchmarks, found exactly as the test suite finds one (by
 * reusing its vitest global setup): MONGODB_URI if set (point it at a real mongod to benchmark
 * that), else a MongoDB container when a Docker engine answers, else the cached FerretDB 1.24.2
 * binary over SQLite, started under a watchdog that removes its data directory when we stop it.
 */
// Brings vitest's types into this program: the setup augments its ProvidedContext.
import type {} from 'vitest';
import setup from '../../tests/support/mongo-global-setup.js';

type Project = Parameters<typeof setup>[0];

export interface MongoServer {
  readonly uri: string;
  /** Which server it is, e.g. "FerretDB 1.24.2 (sqlite) at mongodb://127.0.0.1:40123". */
  readonly label: string;
  readonly isFerretDb: boolean;
  /** `mongodb://host:port/<database>` for a fresh database on this server. */
  uriFor(database: string): string;
  stop(): Promise<void>;
}

export async function startMongo(): Promise<MongoServer> {
  const provided = new Map<string, string>();
  const project = { provide: (key: string, value: string) => provided.set(key, value) } as unknown as Project;
  // The setup reports on stdout; the benchmark's stdout is its result table.
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  let teardown: () => Promise<void>;
  try {
    teardown = await setup(project);
  } finally {
    console.log = consoleLog;
  }
  const uri = provided.get('mongoUri');
  const label = provided.get('mongoServer') ?? 'unknown';
  if (uri === undefined) throw new Error('the MongoDB setup provided no URI');
  return {
    uri,
    label,
    isFerretDb: label.startsWith('FerretDB'),
    uriFor(database: string): string {
      const [base, query] = uri.split('?', 2) as [string, string | undefined];
      const host = base.replace(/^(mongodb(\+srv)?:\/\/[^/]+).*$/, '$1');
      return `${host}/${database}${query === undefined ? '' : `?${query}`}`;
    },
    stop: () => teardown(),
  };
}
