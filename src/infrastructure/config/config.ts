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

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

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
  TRUST_PROXY: flag.default(false),
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
  JWT_HMAC_SECRET: z.string().min(32, 'must be at least 32 bytes').optional(),
  JWT_ALGORITHM: z.enum(['ES256', 'EdDSA', 'RS256']).default('ES256'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 16kb')
    .default('16kb'),
  SHUTDOWN_TIMEOUT: duration(1, 600).default(10),
  LOCKOUT_THRESHOLD: integer(1, 1000).default(5),
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
  readonly trustProxy: boolean;
  readonly issuer: string;
  /** The master key; unset only in the embedded mode, which then keeps one in DATA_DIR. */
  readonly dataEncryptionKey: Uint8Array | undefined;
  readonly audience: string;
  readonly hmacSecret: string | undefined;
  readonly jwtAlgorithm: 'ES256' | 'EdDSA' | 'RS256';
  readonly bodyLimit: string;
  readonly shutdownTimeoutSeconds: number;
  readonly lockout: {
    readonly threshold: number;
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
    trustProxy: e.TRUST_PROXY,
    issuer: e.JWT_ISSUER ?? `http://${e.HOST}:${e.PORT}`,
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY,
    audience: e.JWT_AUDIENCE,
    hmacSecret: e.JWT_HMAC_SECRET,
    jwtAlgorithm: e.JWT_ALGORITHM,
    bodyLimit: e.BODY_LIMIT,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT,
    lockout: {
      threshold: e.LOCKOUT_THRESHOLD,
      windowSeconds: e.LOCKOUT_WINDOW,
      durationSeconds: e.LOCKOUT_DURATION,
    },
    rateLimits: {
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      registerPerHour: e.RATE_LIMIT_REGISTER_PER_HOUR,
    },
  };
}
