import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { startServerProcess } from '../support/server-process.js';

describe('start-up while MongoDB is unreachable', () => {
  it('listens at once, live but not ready, answers 503 problem+json, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const server = await startServerProcess(
      {
        MONGODB_URI: `mongodb://127.0.0.1:${port}/auth?serverSelectionTimeoutMS=500`,
        JWT_ISSUER: 'http://auth.test',
        DATA_ENCRYPTION_KEY: 'dGVzdC1tYXN0ZXIta2V5LW9mLXRoaXJ0eS10d28tYnk=',
      },
      { until: 'listening' },
    );
    try {
      const live = await fetch(`${server.baseUrl}/health/live`);
      expect(live.status).toBe(200);
      const ready = await fetch(`${server.baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'starting' });
      const login = await fetch(`${server.baseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'someone@example.com', password: 'whatever-it-is' }),
      });
      expect(login.status).toBe(503);
      expect(login.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(login.headers.get('retry-after')).toBe('5');
      expect(await login.json()).toMatchObject({ status: 503, title: 'Service unavailable' });
      // It keeps retrying (and says so) rather than crashing.
      await expect.poll(() => server.output(), { timeout: 10_000 }).toContain('MongoDB is not reachable yet');
      expect(server.child.exitCode).toBeNull();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
