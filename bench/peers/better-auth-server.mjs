/**
 * Better Auth for the peers benchmark (bench/benchmarks/peers.ts): email + password with its
 * Kysely SQLite adapter on `node:sqlite` (`DatabaseSync`, no native download), behind
 * `node:http` + `toNodeHandler`, as its documentation sets it up. Everything else is Better
 * Auth's default (scrypt hashing, opaque session tokens in a signed cookie, no cookie cache),
 * except the rate limit (off, as on our service) and telemetry (off).
 *
 * Copied next to the cached `node_modules` (~/.cache/auth-service/peers/better-auth/) and run
 * from there: `node better-auth-server.mjs <port> <sqlite file>`. Creates its tables on start.
 */
import http from 'node:http';
import process from 'node:process';
import { DatabaseSync } from 'node:sqlite';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';

const port = Number(process.argv[2]);
const file = process.argv[3];
if (!Number.isInteger(port) || file === undefined) {
  process.stderr.write('usage: node better-auth-server.mjs <port> <sqlite file>\n');
  process.exit(2);
}

const options = {
  baseURL: `http://127.0.0.1:${port}`,
  secret: process.env.BETTER_AUTH_SECRET ?? 'bench-secret-bench-secret-bench-secret-0123',
  database: new DatabaseSync(file),
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
};
const { runMigrations } = await getMigrations(options);
await runMigrations();
const auth = betterAuth(options);

http.createServer(toNodeHandler(auth)).listen(port, '127.0.0.1');
