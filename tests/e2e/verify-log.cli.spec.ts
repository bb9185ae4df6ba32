/**
 * `npm run cli -- verify-log` as operators run it (issue 13 item 3): exit 0 with the count on an
 * untouched store, exit 1 naming the position after a raw edit, and --checkpoint proving a cut.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CHECKPOINT_STREAM } from '../../src/domain/audit/audit-checkpoint.events.js';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite-event-store.js';
import { registerAndLogIn } from '../support/api.js';
import { tamperSqlite } from '../support/tamper.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'dist', 'interfaces', 'cli', 'main.js');

function verifyLog(
  args: readonly string[],
  dataDir: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    DATA_DIR: dataDir,
    JWT_ISSUER: 'http://auth.test',
    // The master key the test app ran with (tests/support/test-app.ts), as an operator would pass it.
    DATA_ENCRYPTION_KEY: 'dGVzdC1tYXN0ZXIta2V5LW9mLXRoaXJ0eS10d28tYnk=',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'verify-log', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('verify-log over the embedded store', () => {
  let app: TestApp;
  let dataDir: string;
  let jws: string;
  let head: number;

  beforeAll(async () => {
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
    app = await startTestApp('embedded');
    dataDir = app.storage.dataDir ?? '';
    await registerAndLogIn(app);
    await registerAndLogIn(app);
    await app.stop(); // writes the shutdown checkpoint
    const store = new SqliteEventStore({ file: path.join(dataDir, 'events.sqlite') });
    const [checkpoint] = await store.readStream(AUDIT_CHECKPOINT_STREAM);
    head = await store.headPosition();
    await store.close();
    jws = String(checkpoint?.data['jws']);
    expect(checkpoint?.data['position']).toBe(head - 1);
  }, 180_000);

  afterAll(async () => {
    await app.dispose();
  });

  it('exits 0 with the number of events verified on an untouched store', async () => {
    const result = await verifyLog([], dataDir);
    expect(result.err).not.toMatch(/error/);
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain(`${head} events verified`);
    expect(result.out).toContain('1 checkpoint signatures');
  });

  it('exits 1 naming the edited position, and the cut below a checkpoint kept outside', async () => {
    const tamper = tamperSqlite(path.join(dataDir, 'events.sqlite'));
    await tamper.editData(2);
    const edited = await verifyLog([], dataDir);
    expect(edited.code).toBe(1);
    expect(edited.err).toMatch(/^error: position 2: edited/m);

    await tamper.cutFrom(2);
    await tamper.close();
    const cut = await verifyLog(['--checkpoint', jws], dataDir);
    expect(cut.code).toBe(1);
    expect(cut.err).toMatch(/^error: position 2: truncated/m);
    const forged = await verifyLog(['--checkpoint', `${jws.slice(0, -4)}AAAA`], dataDir);
    expect(forged.code).toBe(1);
    expect(forged.err).toMatch(/bad signature/);
  });
});
