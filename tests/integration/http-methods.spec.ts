import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** node:http, because fetch refuses methods such as TRACE outright. */
function send(
  baseUrl: string,
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('methods a route does not serve', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded');
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('answers 405 problem+json with Allow for a known method on the wrong route', async () => {
    const response = await send(app.baseUrl, 'DELETE', '/auth/login');
    expect(response.status).toBe(405);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.headers['allow']).toBe('POST');
    expect(JSON.parse(response.body)).toMatchObject({ status: 405, title: 'Method not allowed' });
  });

  it.each(['TRACE', 'QUERY', 'PROPFIND'])('answers %s with 405 problem+json, never a 5xx', async (method) => {
    const response = await send(app.baseUrl, method, '/health/live');
    expect(response.status).toBe(405);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.headers['allow']).toContain('GET');
    expect(JSON.parse(response.body)).toMatchObject({ status: 405 });
  });
});
