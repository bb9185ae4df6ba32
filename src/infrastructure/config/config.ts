import path from 'node:path';
import { z } from 'zod';
import { parseDurationSeconds } from './duration.js';

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

const duration = (min: number, max: number) =>
  z.string().transform((raw, ctx) => {
    const seconds = parseDurationSeconds(raw);
    if (seconds === null || seconds < min || seconds > max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a duration like 900s, 15m, 12h or 7d, from ${min}s to ${max}s`,
      });
      return z.NEVER;
    }
    return seconds;
  });

/** A hop count; the boolean spellings of earlier versions mean none and one. */
const proxyHops = z
  .string()
  .regex(/^(true|false|yes|no|\d{1,2})$/, 'must be false, true or a number of proxies from 0 to 99')
  .transform((v) => (v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v)));

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

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
  ADMIN_EMAIL: z.string().min(3).max(254).optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(128).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: proxyHops.default(0),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).default('auth-service'),
  JWT_HMAC_SECRET: z.string().min(32, 'must be at least 32 bytes').optional(),
  JWT_ALGORITHM: z.enum(['ES256', 'EdDSA', 'RS256']).default('ES256'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 16kb')
    .default('16kb'),
  SHUTDOWN_TIMEOUT: duration(1, 600).default(10),
  LOCKOUT_THRESHOLD: integer(1, 1000).default(5),
  ACCOUNT_LOCKOUT_THRESHOLD: integer(1, 100_000).default(20),
  LOCKOUT_WINDOW: duration(1, 86_400).default(15 * 60),
  LOCKOUT_DURATION: duration(1, 86_400).default(15 * 60),
  RATE_LIMIT_LOGIN_PER_MINUTE: integer(1, 1_000_000).default(30),
  RATE_LIMIT_REGISTER_PER_HOUR: integer(1, 1_000_000).default(20),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly mongodbUri: string | undefined;
  readonly dataDir: string;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly bcryptCost: number;
  readonly admin: { readonly email: string; readonly password: string } | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Reverse proxies in front of the service, each appending one X-Forwarded-For entry. */
  readonly trustProxyHops: number;
  readonly issuer: string;
  readonly audience: string;
  readonly hmacSecret: string | undefined;
  readonly jwtAlgorithm: 'ES256' | 'EdDSA' | 'RS256';
  readonly bodyLimit: string;
  readonly shutdownTimeoutSeconds: number;
  readonly lockout: {
    readonly threshold: number;
    readonly accountThreshold: number;
    readonly windowSeconds: number;
    readonly durationSeconds: number;
  };
  readonly rateLimits: { readonly loginPerMinute: number; readonly registerPerHour: number };
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
  if (e.JWT_HMAC_SECRET !== undefined && Buffer.byteLength(e.JWT_HMAC_SECRET) < 32) {
    throw new ConfigError('JWT_HMAC_SECRET', 'must be at least 32 bytes');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(e.DATA_DIR),
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    bcryptCost: e.BCRYPT_COST,
    admin:
      e.ADMIN_EMAIL !== undefined && e.ADMIN_PASSWORD !== undefined
        ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }
        : undefined,
    logLevel: e.LOG_LEVEL,
    trustProxyHops: e.TRUST_PROXY,
    issuer: e.JWT_ISSUER ?? `http://${e.HOST}:${e.PORT}`,
    audience: e.JWT_AUDIENCE,
    hmacSecret: e.JWT_HMAC_SECRET,
    jwtAlgorithm: e.JWT_ALGORITHM,
    bodyLimit: e.BODY_LIMIT,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT,
    lockout: {
      threshold: e.LOCKOUT_THRESHOLD,
      accountThreshold: e.ACCOUNT_LOCKOUT_THRESHOLD,
      windowSeconds: e.LOCKOUT_WINDOW,
      durationSeconds: e.LOCKOUT_DURATION,
    },
    rateLimits: {
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      registerPerHour: e.RATE_LIMIT_REGISTER_PER_HOUR,
    },
  };
}
