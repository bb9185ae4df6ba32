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

  readonly httpRequestDuration = this.histogram(
    'auth_http_request_duration_seconds',
    'HTTP request duration by method, route pattern and status.',
    ['method', 'route', 'status'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );

  readonly logins = this.counter(
    'auth_logins_total',
    'Login attempts by outcome (success or the recorded failure outcome).',
    ['outcome'],
  );

  readonly refreshes = this.counter('auth_token_refreshes_total', 'Refresh-token rotations.');

  readonly refreshTokenReuse = this.counter(
    'auth_refresh_token_reuse_detected_total',
    'Already-used refresh tokens presented again (the session is revoked).',
  );

  readonly lockouts = this.counter(
    'auth_account_lockouts_total',
    'Lockouts of an identifier from an address after repeated failures.',
  );

  readonly logouts = this.counter('auth_logouts_total', 'Sessions ended, by reason.', ['reason']);

  readonly registrations = this.counter('auth_registrations_total', 'Accounts registered.');

  readonly eventsAppended = this.counter(
    'auth_events_appended_total',
    'Domain events appended by this instance, by event type.',
    ['type'],
  );

  readonly appendDuration = this.histogram(
    'auth_event_store_append_duration_seconds',
    'Event-store append latency by outcome (ok, conflict, error).',
    ['outcome'],
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );

  readonly appendConflicts = this.counter(
    'auth_event_store_append_conflicts_total',
    'Appends refused because another writer got there first (ConcurrencyError).',
  );

  readonly appendFailures = this.counter(
    'auth_event_store_append_failures_total',
    'Appends that failed for any other reason (store unavailable, invalid request).',
  );

  readonly signingKeysRefused = this.counter(
    'auth_signing_keys_refused_total',
    'Stored signing-key records refused because they do not authenticate under the master key.',
  );

  readonly passwordHashing = this.histogram(
    'auth_password_hashing_duration_seconds',
    'bcrypt work by operation (hash, verify, verify_dummy).',
    ['operation'],
    // Around the cost-10..15 range: ~50 ms to a few seconds.
    [0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 2, 4, 8],
  );

  constructor(options: AuthMetricsOptions = {}) {
    // Series for every known label value exist from the start, at 0, so rate() and alerts see them.
    for (const outcome of LOGIN_OUTCOMES) this.logins.inc({ outcome }, 0);
    for (const reason of LOGOUT_REASONS) this.logouts.inc({ reason }, 0);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  // Field initialisers call these before the constructor body runs; `registry` is declared first, so it exists.
  private counter<T extends string = string>(
    name: string,
    help: string,
    labelNames: readonly T[] = [],
  ): Counter<T> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<T extends string>(
    name: string,
    help: string,
    labelNames: readonly T[],
    buckets: number[],
  ): Histogram<T> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
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
