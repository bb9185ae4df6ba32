import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
