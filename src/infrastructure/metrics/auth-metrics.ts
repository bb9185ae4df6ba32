import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { LOGIN_OUTCOMES } from '../../domain/login-attempt/login-attempt.events.js';
import { LOGOUT_REASONS } from '../../domain/session/session.events.js';

/** One finished HTTP request, as createHttpApp's `observe` hook reports it (route pattern, never the raw path). */
export interface RequestSample {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly seconds: number;
}

export interface AuthMetricsOptions {
  /** Process and Node.js metrics (CPU, memory, event-loop lag, GC). Default true. */
  readonly defaultMetrics?: boolean;
}

/**
 * Every instrument of one runtime, in its own registry rather than prom-client's global one, so
 * two runtimes in one process (tests, a CLI next to an app) never clash over metric names.
 * Counters count what this instance did; Prometheus sums the instances.
 */
export class AuthMetrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'auth_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly logins = new Counter({
    name: 'auth_logins_total',
    help: 'Login attempts by outcome (success or the recorded failure outcome).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly refreshes = new Counter({
    name: 'auth_token_refreshes_total',
    help: 'Refresh-token rotations.',
    registers: [this.registry],
  });

  readonly refreshTokenReuse = new Counter({
    name: 'auth_refresh_token_reuse_detected_total',
    help: 'Already-used refresh tokens presented again (the session is revoked).',
    registers: [this.registry],
  });

  readonly lockouts = new Counter({
    name: 'auth_account_lockouts_total',
    help: 'Lockouts of an identifier from an address after repeated failures.',
    registers: [this.registry],
  });

  readonly logouts = new Counter({
    name: 'auth_logouts_total',
    help: 'Sessions ended, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly registrations = new Counter({
    name: 'auth_registrations_total',
    help: 'Accounts registered.',
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'auth_events_appended_total',
    help: 'Domain events appended by this instance, by event type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly appendDuration = new Histogram({
    name: 'auth_event_store_append_duration_seconds',
    help: 'Event-store append latency by outcome (ok, conflict, error).',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly appendConflicts = new Counter({
    name: 'auth_event_store_append_conflicts_total',
    help: 'Appends refused because another writer got there first (ConcurrencyError).',
    registers: [this.registry],
  });

  readonly appendFailures = new Counter({
    name: 'auth_event_store_append_failures_total',
    help: 'Appends that failed for any other reason (store unavailable, invalid request).',
    registers: [this.registry],
  });

  readonly signingKeysRefused = new Counter({
    name: 'auth_signing_keys_refused_total',
    help: 'Stored signing-key records refused because they do not authenticate under the master key.',
    registers: [this.registry],
  });

  readonly passwordHashing = new Histogram({
    name: 'auth_password_hashing_duration_seconds',
    help: 'bcrypt work by operation (hash, verify, verify_dummy).',
    labelNames: ['operation'] as const,
    // Around the cost-10..15 range: ~50 ms to a few seconds.
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 2, 4, 8],
    registers: [this.registry],
  });

  constructor(options: AuthMetricsOptions = {}) {
    // Series for every known label value exist from the start, at 0, so rate() and alerts see them.
    for (const outcome of LOGIN_OUTCOMES) this.logins.inc({ outcome }, 0);
    for (const reason of LOGOUT_REASONS) this.logouts.inc({ reason }, 0);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** For createHttpApp's `observe` hook. */
  readonly observeRequest = (sample: RequestSample): void => {
    this.httpRequestDuration.observe(
      { method: sample.method, route: sample.route, status: String(sample.status) },
      sample.seconds,
    );
  };
}

/** Seconds since `started` (from process.hrtime.bigint()). */
export const secondsSince = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;
