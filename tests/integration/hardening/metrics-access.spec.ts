import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, createMetricsApp, listen } from '../../../src/interfaces/http/server.js';
import { expectProblem } from '../../support/api.js';
import { freePort } from '../../support/free-port.js';
import { startServerProcess } from '../../support/server-process.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

const TOKEN = 'metrics-scraper-token-0123456789';

/** The counters that told an attacker which emails have accounts (finding 7). */
const ACCOUNT_ORACLE = /auth_logins_total\{outcome="unknown_user"\}/;

describe('/metrics is not public (issue 9, finding 7)', () => {
  let closed: TestApp;
  let guarded: TestApp;
  beforeAll(async () => {
    [closed, guarded] = await Promise.all([
      startTestApp('embedded'),
      startTestApp('embedded', { env: { METRICS_TOKEN: TOKEN } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([closed.dispose(), guarded.dispose()]);
  });

  it('without METRICS_TOKEN, the public listener answers 404 problem+json, with or without a token', async () => {
    for (const headers of [{}, { Authorization: `Bearer ${TOKEN}` }, { Authorization: 'Bearer ' }]) {
      const response = await closed.request('/metrics', { headers });
      const problem = await expectProblem(response, 404);
      expect(JSON.stringify(problem)).not.toMatch(ACCOUNT_ORACLE);
    }
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: 'Bearer not-the-metrics-token-at-all' }],
    ['the token in upper case', { Authorization: `Bearer ${TOKEN.toUpperCase()}` }],
    ['a prefix of the token', { Authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['the token with a suffix', { Authorization: `Bearer ${TOKEN}x` }],
    ['the token as Basic credentials', { Authorization: `Basic ${TOKEN}` }],
    ['the token in another header', { 'X-Metrics-Token': TOKEN }],
    ['an access-token-looking value', { Authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' }],
  ])('with METRICS_TOKEN, %s gets the same 404 as an unknown path', async (_label, headers) => {
    const response = await guarded.request('/metrics', { headers });
    const problem = await expectProblem(response, 404);
    const unknown = await expectProblem(await guarded.request('/no-such-path', { headers }), 404);
    expect(problem.title).toBe(unknown.title);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('with METRICS_TOKEN, the exact bearer token reads the metrics (scheme in any case)', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const response = await guarded.request('/metrics', {
        headers: { Authorization: `${scheme} ${TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.text()).toMatch(ACCOUNT_ORACLE);
    }
  });

  it('a case variant of the path is 404 even with the token', async () => {
    const response = await guarded.request('/METRICS', { headers: { Authorization: `Bearer ${TOKEN}` } });
    await expectProblem(response, 404);
  });
});

describe('METRICS_PORT: a separate listener serving only /metrics (issue 9, finding 7)', () => {
  it('the metrics app answers /metrics without a token and nothing else', async () => {
    const app = await startTestApp('embedded');
    let server: Server | undefined;
    try {
      server = await listen(createMetricsApp(app.runtime), 0, '127.0.0.1');
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const base = `http://127.0.0.1:${address.port}`;
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(ACCOUNT_ORACLE);
      for (const p of ['/health/live', '/auth/login', '/openapi.json', '/Metrics']) {
        await expectProblem(await fetch(`${base}${p}`), 404);
      }
      // The public listener of the same runtime still refuses.
      await expectProblem(await app.request('/metrics'), 404);
    } finally {
      if (server !== undefined) await closeServer(server, 1000);
      await app.dispose();
    }
  });

  it('npm start with METRICS_PORT opens that port for the scraper and keeps /metrics off the public one', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'metrics-port-'));
    const metricsPort = await freePort();
    const server = await startServerProcess({ DATA_DIR: dataDir, METRICS_PORT: String(metricsPort) });
    try {
      await expectProblem(await fetch(`${server.baseUrl}/metrics`), 404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(ACCOUNT_ORACLE);
      expect(await server.stop()).toBe(0);
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
