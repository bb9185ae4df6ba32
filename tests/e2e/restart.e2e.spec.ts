import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { createLogger } from '../../src/infrastructure/logging/pino-logger.js';
import { SqliteReadModelDatabase } from '../../src/infrastructure/read-models/sqlite/sqlite-read-model-database.js';
import { Runtime } from '../../src/infrastructure/runtime/runtime.js';
import { READ_MODELS_FILE } from '../../src/infrastructure/runtime/storage.js';
import { startServerProcess } from '../support/server-process.js';

const PASSWORD = 'correct horse battery';
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

describe('the built server on the embedded store', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('keeps users, refresh tokens and revocations across a graceful restart', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'auth-e2e-'));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir, JWT_ISSUER: 'http://e2e.test' };
    const first = await startServerProcess(env);
    const email = 'restart@example.com';
    expect((await fetch(`${first.baseUrl}/auth/register`, json({ email, password: PASSWORD }))).status).toBe(
      201,
    );
    const kept = (await (
      await fetch(`${first.baseUrl}/auth/login`, json({ email, password: PASSWORD }))
    ).json()) as Record<string, string>;
    const revoked = (await (
      await fetch(`${first.baseUrl}/auth/login`, json({ email, password: PASSWORD }))
    ).json()) as Record<string, string>;
    expect(
      (await fetch(`${first.baseUrl}/auth/logout`, json({ refresh_token: revoked.refresh_token }))).status,
    ).toBe(204);
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
    expect(first.output()).not.toContain(PASSWORD);
    expect(first.output()).not.toContain(kept.refresh_token ?? 'missing');

    const second = await startServerProcess(env);
    try {
      expect((await fetch(`${second.baseUrl}/auth/login`, json({ email, password: PASSWORD }))).status).toBe(
        200,
      );
      const me = await fetch(`${second.baseUrl}/users/me`, {
        headers: { Authorization: `Bearer ${kept.access_token ?? ''}` },
      });
      expect(me.status).toBe(200);
      expect(
        (await fetch(`${second.baseUrl}/auth/refresh`, json({ refresh_token: kept.refresh_token }))).status,
      ).toBe(200);
      expect(
        (await fetch(`${second.baseUrl}/auth/refresh`, json({ refresh_token: revoked.refresh_token })))
          .status,
      ).toBe(401);
      const stale = await fetch(`${second.baseUrl}/users/me`, {
        headers: { Authorization: `Bearer ${revoked.access_token ?? ''}` },
      });
      expect(stale.status).toBe(401);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('resumes the read models from their stored checkpoints: a start replays nothing, a rebuild everything', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'auth-e2e-'));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir, JWT_ISSUER: 'http://e2e.test' };
    const first = await startServerProcess(env);
    const email = 'checkpoint@example.com';
    const registered = await fetch(`${first.baseUrl}/auth/register`, json({ email, password: PASSWORD }));
    expect(registered.status).toBe(201);
    const userId = ((await registered.json()) as { id: string }).id;
    expect((await fetch(`${first.baseUrl}/auth/login`, json({ email, password: PASSWORD }))).status).toBe(
      200,
    );
    expect(await first.stop()).toBe(0);

    // The file is private like the log, and holds the documents with their checkpoints.
    expect((await stat(path.join(dataDir, READ_MODELS_FILE))).mode & 0o777).toBe(0o600);
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    const boot = () => Runtime.boot(config, createLogger('silent', { pretty: false }));
    let runtime = await boot();
    try {
      const head = await runtime.storage.eventStore.headPosition();
      const { users, sessions, loginAttempts } = runtime.storage;
      // Before anything runs: every read model is at the head the stopping server had written.
      expect([
        await users.checkpoint(),
        await sessions.checkpoint(),
        await loginAttempts.checkpoint(),
      ]).toEqual([head, head, head]);
      expect(await users.byId(userId)).toMatchObject({
        email,
        isActive: true,
        lastLoginAt: expect.any(String) as string,
      });
      expect((await sessions.activeOf(userId, new Date(), { limit: 10 })).items).toHaveLength(1);
      expect((await loginAttempts.query({ userId }, { limit: 10 })).items).toMatchObject([
        { outcome: 'success', identifier: email },
      ]);
    } finally {
      await runtime.stop();
    }

    // Take the user's document out behind the service's back: a replay from 0 would bring it back.
    const file = new SqliteReadModelDatabase({ file: path.join(dataDir, READ_MODELS_FILE) });
    file.run('DELETE FROM rm_users WHERE id = ?', userId);
    file.close();

    runtime = await boot();
    try {
      await runtime.catchUpReadModels();
      expect(await runtime.storage.users.byId(userId)).toBeNull();
      // The rebuild still starts from position 0.
      await runtime.wiring.readModels.rebuild(['users']);
      expect(await runtime.storage.users.byId(userId)).toMatchObject({ email });
      expect(await runtime.storage.users.checkpoint()).toBe(await runtime.storage.eventStore.headPosition());
    } finally {
      await runtime.stop();
    }
  });

  it('refuses to start with a bad variable, naming it in one line', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, [path.resolve('dist/main.js')], {
      env: { PATH: process.env.PATH ?? '', BCRYPT_COST: '99' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr.trim()).toBe('Invalid configuration: BCRYPT_COST must be at most 15');
  });
});
