import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Enough of the Prometheus text format for our own output: `name{a="x",b="y"} value`. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (key !== undefined && value !== undefined) labels[key] = value;
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with this name and (at least) these labels. */
function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
  if (found.length !== 1) throw new Error(`${found.length} samples match ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value ?? Number.NaN;
}

const METRICS_TOKEN = 'scraper-token-for-the-metrics-spec';

describe('GET /metrics on the embedded store', () => {
  let app: TestApp;
  let other: TestApp;
  beforeAll(async () => {
    const env = { METRICS_TOKEN };
    [app, other] = await Promise.all([
      startTestApp('embedded', { env: { ...env, REFRESH_REUSE_GRACE: '0' } }),
      startTestApp('embedded', { env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([app.dispose(), other.dispose()]);
  });

  const scrape = async (
    target: TestApp,
  ): Promise<{ response: Response; samples: Sample[]; text: string }> => {
    const response = await target.request('/metrics', { token: METRICS_TOKEN });
    const text = await response.text();
    return { response, samples: parseMetrics(text), text };
  };

  it('counts what happened through the events appended, and times requests by route pattern', async () => {
    const credentials = { email: 'meter@example.com', password: 'a long passphrase' };
    expect((await app.request('/auth/register', { method: 'POST', json: credentials })).status).toBe(201);
    const login = await app.request('/auth/login', { method: 'POST', json: credentials });
    expect(login.status).toBe(200);
    const first = (await login.json()) as { access_token: string; refresh_token: string };
    const bad = await app.request('/auth/login', {
      method: 'POST',
      json: { ...credentials, password: 'not the passphrase' },
    });
    expect(bad.status).toBe(401);
    const refreshed = await app.request('/auth/refresh', {
      method: 'POST',
      json: { refresh_token: first.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    const reused = await app.request('/auth/refresh', {
      method: 'POST',
      json: { refresh_token: first.refresh_token },
    });
    expect(reused.status).toBe(401);
    // A route with an id in its path: the label must be the pattern.
    const sessionId = '00000000-0000-4000-8000-000000000000';
    await app.request(`/users/me/sessions/${sessionId}`, { method: 'DELETE', token: first.access_token });

    const { response, samples, text } = await scrape(app);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);

    expect(valueOf(samples, 'auth_registrations_total')).toBe(1);
    expect(valueOf(samples, 'auth_logins_total', { outcome: 'success' })).toBe(1);
    expect(valueOf(samples, 'auth_logins_total', { outcome: 'invalid_credentials' })).toBe(1);
    expect(valueOf(samples, 'auth_logins_total', { outcome: 'unknown_user' })).toBe(0);
    expect(valueOf(samples, 'auth_logins_total', { outcome: 'rate_limited' })).toBe(0);
    expect(valueOf(samples, 'auth_token_refreshes_total')).toBe(1);
    expect(valueOf(samples, 'auth_refresh_token_reuse_detected_total')).toBe(1);
    expect(valueOf(samples, 'auth_logouts_total', { reason: 'reuse' })).toBe(1);
    expect(valueOf(samples, 'auth_logouts_total', { reason: 'user' })).toBe(0);
    expect(valueOf(samples, 'auth_account_lockouts_total')).toBe(0);
    expect(valueOf(samples, 'auth_events_appended_total', { type: 'LoginFailed' })).toBe(1);
    expect(valueOf(samples, 'auth_events_appended_total', { type: 'LoggedIn' })).toBe(1);

    expect(valueOf(samples, 'auth_password_hashing_duration_seconds_count', { operation: 'hash' })).toBe(1);
    expect(valueOf(samples, 'auth_password_hashing_duration_seconds_count', { operation: 'verify' })).toBe(2);
    expect(
      valueOf(samples, 'auth_event_store_append_duration_seconds_count', { outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(valueOf(samples, 'auth_event_store_append_conflicts_total')).toBe(0);
    expect(valueOf(samples, 'auth_event_store_append_failures_total')).toBe(0);

    const loginRoute = { method: 'POST', route: '/auth/login' };
    expect(
      valueOf(samples, 'auth_http_request_duration_seconds_count', { ...loginRoute, status: '200' }),
    ).toBe(1);
    expect(
      valueOf(samples, 'auth_http_request_duration_seconds_count', { ...loginRoute, status: '401' }),
    ).toBe(1);
    expect(
      valueOf(samples, 'auth_http_request_duration_seconds_bucket', {
        ...loginRoute,
        status: '200',
        le: '+Inf',
      }),
    ).toBe(1);
    expect(text).toContain('route="/users/me/sessions/:id"');
    expect(text).not.toContain(sessionId);

    const head = valueOf(samples, 'auth_event_store_head_position');
    expect(head).toBeGreaterThan(0);
    for (const readModel of ['users', 'sessions', 'login-attempts']) {
      expect(
        valueOf(samples, 'auth_projection_lag_events', { read_model: readModel }),
      ).toBeGreaterThanOrEqual(0);
      expect(
        valueOf(samples, 'auth_projection_checkpoint_position', { read_model: readModel }),
      ).toBeLessThanOrEqual(head);
    }
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
  });

  it('keeps a registry per runtime, so another app in the process counts only its own work', async () => {
    expect((await other.request('/health/live')).status).toBe(200);
    const { samples } = await scrape(other);
    expect(valueOf(samples, 'auth_registrations_total')).toBe(0);
    expect(valueOf(samples, 'auth_logins_total', { outcome: 'success' })).toBe(0);
    const health = { method: 'GET', route: '/health/live', status: '200' };
    expect(valueOf(samples, 'auth_http_request_duration_seconds_count', health)).toBe(1);
    expect(samples.some((s) => s.labels['route'] === '/auth/login')).toBe(false);
  });

  it('is never cached (who may read it: tests/integration/hardening/metrics-access.spec.ts)', async () => {
    const { response } = await scrape(app);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
