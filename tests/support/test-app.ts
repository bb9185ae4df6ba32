/**
 * Boots the real service in-process (same runtime and HTTP assembly as `main`) on a free port,
 * over the embedded store (a temp DATA_DIR) or MongoDB (a fresh database per app).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { createLogger } from '../../src/infrastructure/logging/pino-logger.js';
import { Runtime } from '../../src/infrastructure/runtime/runtime.js';
import { closeServer, createServerApp, listen } from '../../src/interfaces/http/server.js';
import { useTestDatabase, type TestDatabase } from './mongo.js';

export type StoreKind = 'embedded' | 'mongodb';
export const STORES: readonly StoreKind[] = ['embedded', 'mongodb'];

export interface TestApp {
  readonly baseUrl: string;
  readonly runtime: Runtime;
  /** The storage location, so a second app can share it (another instance, or a restart). */
  readonly storage: { readonly dataDir?: string; readonly mongoUri?: string };
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
  /** Stops the app; the storage stays until `dispose`. */
  stop(): Promise<void>;
  /** Stops the app and deletes its storage. */
  dispose(): Promise<void>;
}

export interface TestAppOptions {
  readonly env?: Record<string, string>;
  /** Reuse another app's storage (same DATA_DIR or same MongoDB database). */
  readonly shareWith?: TestApp;
}

/**
 * Test defaults: the cheap scrypt verifier instead of bcrypt (a real check, ~100x cheaper; the
 * e2e and fault tests start the built server with bcrypt), and budgets no test trips by accident.
 */
const BASE_ENV: Record<string, string> = {
  HOST: '127.0.0.1',
  PORT: '0',
  BCRYPT_COST: '10',
  PASSWORD_HASHER: 'scrypt-test',
  LOG_LEVEL: 'silent',
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
  RATE_LIMIT_REGISTER_PER_HOUR: '1000000',
  JWT_ISSUER: 'http://auth.test',
  // This machine is slow and shared: a 5 s deadline would turn slow answers into 503s. The
  // deadline itself is tested in tests/faults/hung-store.spec.ts.
  REQUEST_DEADLINE: '30s',
  DATA_ENCRYPTION_KEY: 'dGVzdC1tYXN0ZXIta2V5LW9mLXRoaXJ0eS10d28tYnk=',
};

export async function startTestApp(kind: StoreKind, options: TestAppOptions = {}): Promise<TestApp> {
  let dataDir: string | undefined = options.shareWith?.storage.dataDir;
  let mongoUri: string | undefined = options.shareWith?.storage.mongoUri;
  let database: TestDatabase | undefined;
  if (options.shareWith === undefined) {
    if (kind === 'embedded') dataDir = await mkdtemp(path.join(os.tmpdir(), 'auth-test-'));
    else {
      database = await useTestDatabase('app');
      mongoUri = database.uri;
    }
  }
  const env: Record<string, string> = {
    ...BASE_ENV,
    ...(dataDir !== undefined ? { DATA_DIR: dataDir } : {}),
    ...(mongoUri !== undefined ? { MONGODB_URI: mongoUri } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, { pretty: false });
  const runtime = await Runtime.boot(config, logger);
  await runtime.start();
  const server: Server = await listen(createServerApp(runtime), 0, '127.0.0.1');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await closeServer(server, 2000);
    await runtime.stop();
  };
  return {
    baseUrl,
    runtime,
    storage: {
      ...(dataDir !== undefined ? { dataDir } : {}),
      ...(mongoUri !== undefined ? { mongoUri } : {}),
    },
    request: (p, init = {}) => {
      const { json, token, headers, ...rest } = init;
      const h = new Headers(headers);
      if (json !== undefined) h.set('Content-Type', 'application/json');
      if (token !== undefined) h.set('Authorization', `Bearer ${token}`);
      return fetch(`${baseUrl}${p}`, {
        ...rest,
        headers: h,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    },
    stop,
    dispose: async () => {
      await stop();
      if (options.shareWith === undefined) {
        if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
        await database?.drop();
      }
    },
  };
}
