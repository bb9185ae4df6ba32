import path from 'node:path';
import { z } from 'zod';
import { duration, integer, proxyHops } from './env-values.js';
import type { RateLimits } from '../rate-limiting/fixed-window.js';
import { mailConfigOf, mailEnv, type MailConfig } from './mail-config.js';

/** Start-up refuses to run with a bad value and names the variable, in one line. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const envSchema = z.object({
  PORT: integer(0, 65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  ACCESS_TOKEN_TTL: duration(30, 86_400).default(900),
  REFRESH_TOKEN_TTL: duration(60, 400 * 86_400).default(7 * 86_400),
  BCRYPT_COST: integer(10, 15).default(12),
  PASSWORD_HASHER: z.enum(['bcrypt', 'scrypt-test']).default('bcrypt'),
  ADMIN_EMAIL: z.string().min(3).max(254).optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(128).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: proxyHops.default(0),
  JWT_ISSUER: z.string().min(1).optional(),
  DATA_ENCRYPTION_KEY: z
    .string()
    .transform((raw, ctx) => {
      const key = Buffer.from(raw, 'base64');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw) || key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: 'must be 32 bytes in base64 (openssl rand -base64 32)' });
        return z.NEVER;
      }
      return new Uint8Array(key);
    })
    .optional(),
  JWT_AUDIENCE: z.string().min(1).default('auth-service'),
  JWT_CLIENT_ID: z.string().min(1).max(200).default('auth-service'),
  SESSION_MAX_LIFETIME: duration(1, 400 * 86_400).default(30 * 86_400),
  REFRESH_REUSE_GRACE: duration(0, 300).default(5),
  REAUTH_WINDOW: duration(1, 86_400).default(900),
  JWT_HMAC_SECRET: z.string().min(32, 'must be at least 32 bytes').optional(),
  JWT_ALGORITHM: z.enum(['ES256', 'EdDSA', 'RS256']).default('ES256'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 16kb')
    .default('16kb'),
  SHUTDOWN_TIMEOUT: duration(1, 600).default(10),
  REQUEST_DEADLINE: duration(1, 300).default(5),
  LOCKOUT_THRESHOLD: integer(1, 1000).default(5),
  ACCOUNT_LOCKOUT_THRESHOLD: integer(1, 100_000).default(20),
  LOCKOUT_WINDOW: duration(1, 86_400).default(15 * 60),
  LOCKOUT_DURATION: duration(1, 86_400).default(15 * 60),
  RATE_LIMIT_LOGIN_PER_MINUTE: integer(1, 1_000_000).default(30),
  RATE_LIMIT_REGISTER_PER_HOUR: integer(1, 1_000_000).default(20),
  AUDIT_CHECKPOINT_INTERVAL: duration(1, 86_400).default(60),
  // At least a day (attempts are kept per UTC day), at most ten years.
  AUDIT_PII_RETENTION: duration(86_400, 3650 * 86_400).default(90 * 86_400),
  REVOCATION_STALENESS_LIMIT: duration(1, 300).default(5),
  EVENT_STREAM_HEARTBEAT: duration(1, 15).default(15),
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((v) => v === 'true')
    .default(false),
  WEBHOOK_TIMEOUT: duration(1, 60).default(5),
  WEBHOOK_RETRY_BASE: duration(1, 3600).default(5),
  WEBHOOK_DISABLE_AFTER: duration(60, 90 * 86_400).default(3 * 86_400),
  CORS_ORIGINS: z
    .string()
    .transform((raw, ctx) => {
      const origins = raw
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== '');
      for (const origin of origins) {
        let parsed: URL | null = null;
        try {
          parsed = new URL(origin);
        } catch {
          parsed = null;
        }
        // Exact origins only: no wildcard, path or trailing slash, so matching is plain equality.
        if (parsed === null || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
          ctx.addIssue({
            code: 'custom',
            message: `must be comma-separated origins like https://app.example.com (got "${origin.slice(0, 80)}")`,
          });
          return z.NEVER;
        }
      }
      return origins;
    })
    .optional(),
  PASSWORD_POLICY: z
    .enum(['standard', 'permissive'], { message: 'must be standard or permissive' })
    .default('standard'),
  PWNED_PASSWORDS_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: integer(1, 65_535).optional(),
  ...mailEnv(duration),
  RATE_LIMIT_MAIL_PER_HOUR: integer(1, 1_000_000).default(5),
  MFA_REQUIRED_FOR_ADMINS: z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .default(false),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly mongodbUri: string | undefined;
  readonly dataDir: string;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly bcryptCost: number;
  /** `scrypt-test` is a cheap real verifier for test runs only; refused under NODE_ENV=production. */
  readonly passwordHasher: 'bcrypt' | 'scrypt-test';
  readonly admin: { readonly email: string; readonly password: string } | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Reverse proxies in front of the service, each appending one X-Forwarded-For entry. */
  readonly trustProxyHops: number;
  readonly issuer: string;
  /** How often a signed audit checkpoint is written while new events exist. */
  readonly auditCheckpointIntervalSeconds: number;
  /** How long attempts' personal fields (identifier, address, user agent) stay readable. */
  readonly auditPiiRetention: number;
  /** Older than this, this instance's view of revocations is not trusted: sessions are checked in the store. */
  readonly revocationStalenessLimitSeconds: number;
  /** Longest silence on the live event stream before a comment line. */
  readonly eventStreamHeartbeatSeconds: number;
  readonly webhooks: {
    /** Targets on private, loopback, link-local… addresses are refused unless this is set. */
    readonly allowPrivate: boolean;
    readonly timeoutSeconds: number;
    /** First retry delay; it doubles with jitter up to an hour. */
    readonly retryBaseSeconds: number;
    /** Continuous failure this long disables a subscription. */
    readonly disableAfterSeconds: number;
  };
  /** The master key; unset only in the embedded mode, which then keeps one in DATA_DIR. */
  readonly dataEncryptionKey: Uint8Array | undefined;
  readonly audience: string;
  /** `client_id` claim of tokens whose request named no client. */
  readonly clientId: string;
  readonly sessionMaxLifetime: number;
  readonly refreshReuseGrace: number;
  /** Seconds after a password proof in which a session may change credentials without re-proving. */
  readonly reauthWindow: number;
  readonly hmacSecret: string | undefined;
  readonly jwtAlgorithm: 'ES256' | 'EdDSA' | 'RS256';
  readonly bodyLimit: string;
  readonly shutdownTimeoutSeconds: number;
  /** A request still running after this answers 503; MongoDB operations give up by then too. */
  readonly requestDeadlineSeconds: number;
  readonly lockout: {
    readonly threshold: number;
    readonly accountThreshold: number;
    readonly windowSeconds: number;
    readonly durationSeconds: number;
  };
  readonly rateLimits: Required<RateLimits>;
  readonly passwordPolicy: 'standard' | 'permissive';
  /** Base of an HIBP-style range API (`<url>/<5 hex>`); unset: no online breach check. */
  readonly pwnedPasswordsUrl: string | undefined;
  /** Browser origins allowed by CORS and to post logins (exact `scheme://host[:port]`). */
  readonly corsOrigins: readonly string[];
  /** Bearer token that may read `/metrics` on the public listener; unset: nobody may there. */
  readonly metricsToken: string | undefined;
  /** A second listener (on HOST) serving only `/metrics`, without a token; unset: none. */
  readonly metricsPort: number | undefined;
  /** Administration refuses access tokens whose session did not prove a second factor (`otp` in amr). */
  readonly mfaRequiredForAdmins: boolean;
  readonly mail: MailConfig;
}

/** Reads the environment once at start-up. Empty strings count as unset, as in most deployments. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'is invalid');
  }
  const e = parsed.data;
  if ((e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(
      e.ADMIN_EMAIL === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD',
      'must be set together with its pair',
    );
  }
  if (e.PASSWORD_HASHER !== 'bcrypt' && present['NODE_ENV'] === 'production') {
    throw new ConfigError(
      'PASSWORD_HASHER',
      'must be bcrypt when NODE_ENV=production (scrypt-test is for tests)',
    );
  }
  // Instances sharing a database must agree on the issuer and the master key; neither can be
  // guessed per instance, so MongoDB mode refuses to start without them.
  if (e.MONGODB_URI !== undefined) {
    if (e.JWT_ISSUER === undefined)
      throw new ConfigError('JWT_ISSUER', 'must be set when MONGODB_URI is set (the same on every instance)');
    if (e.DATA_ENCRYPTION_KEY === undefined)
      throw new ConfigError(
        'DATA_ENCRYPTION_KEY',
        'must be set when MONGODB_URI is set (the same on every instance)',
      );
  }
  if (e.JWT_HMAC_SECRET !== undefined && Buffer.byteLength(e.JWT_HMAC_SECRET) < 32) {
    throw new ConfigError('JWT_HMAC_SECRET', 'must be at least 32 bytes');
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new ConfigError('METRICS_PORT', 'must differ from PORT');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(e.DATA_DIR),
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    bcryptCost: e.BCRYPT_COST,
    passwordHasher: e.PASSWORD_HASHER,
    admin:
      e.ADMIN_EMAIL !== undefined && e.ADMIN_PASSWORD !== undefined
        ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }
        : undefined,
    logLevel: e.LOG_LEVEL,
    trustProxyHops: e.TRUST_PROXY,
    issuer: e.JWT_ISSUER ?? `http://${e.HOST}:${e.PORT}`,
    auditCheckpointIntervalSeconds: e.AUDIT_CHECKPOINT_INTERVAL,
    auditPiiRetention: e.AUDIT_PII_RETENTION,
    revocationStalenessLimitSeconds: e.REVOCATION_STALENESS_LIMIT,
    eventStreamHeartbeatSeconds: e.EVENT_STREAM_HEARTBEAT,
    webhooks: {
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
      timeoutSeconds: e.WEBHOOK_TIMEOUT,
      retryBaseSeconds: e.WEBHOOK_RETRY_BASE,
      disableAfterSeconds: e.WEBHOOK_DISABLE_AFTER,
    },
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY,
    audience: e.JWT_AUDIENCE,
    clientId: e.JWT_CLIENT_ID,
    sessionMaxLifetime: e.SESSION_MAX_LIFETIME,
    refreshReuseGrace: e.REFRESH_REUSE_GRACE,
    reauthWindow: e.REAUTH_WINDOW,
    hmacSecret: e.JWT_HMAC_SECRET,
    jwtAlgorithm: e.JWT_ALGORITHM,
    bodyLimit: e.BODY_LIMIT,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT,
    requestDeadlineSeconds: e.REQUEST_DEADLINE,
    lockout: {
      threshold: e.LOCKOUT_THRESHOLD,
      accountThreshold: e.ACCOUNT_LOCKOUT_THRESHOLD,
      windowSeconds: e.LOCKOUT_WINDOW,
      durationSeconds: e.LOCKOUT_DURATION,
    },
    rateLimits: {
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      registerPerHour: e.RATE_LIMIT_REGISTER_PER_HOUR,
      mailPerHour: e.RATE_LIMIT_MAIL_PER_HOUR,
    },
    corsOrigins: e.CORS_ORIGINS ?? [],
    passwordPolicy: e.PASSWORD_POLICY,
    pwnedPasswordsUrl: e.PWNED_PASSWORDS_URL,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    mfaRequiredForAdmins: e.MFA_REQUIRED_FOR_ADMINS,
    mail: mailConfigOf(e, e.JWT_ISSUER ?? `http://${e.HOST}:${e.PORT}`),
  };
}
