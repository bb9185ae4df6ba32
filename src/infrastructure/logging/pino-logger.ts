import { pino, type Logger } from 'pino';

/** Anything that could hold a secret is cut from every log line, whatever logged it. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'password',
  '*.password',
  'current_password',
  '*.current_password',
  'new_password',
  '*.new_password',
  'passwordHash',
  '*.passwordHash',
  'refresh_token',
  '*.refresh_token',
  'refreshToken',
  '*.refreshToken',
  'access_token',
  '*.access_token',
  'accessToken',
  '*.accessToken',
  'refreshTokenDigest',
  '*.refreshTokenDigest',
  'privateJwk',
  '*.privateJwk',
  // The second factor: recovery codes, the mfa_token, the sealed secret and the digests. (Not
  // `code`: that would hide every error's code in the logs; no code path logs a body.)
  'recovery_code',
  '*.recovery_code',
  'recovery_codes',
  '*.recovery_codes',
  'mfa_token',
  '*.mfa_token',
  'sealedSecret',
  '*.sealedSecret',
  'recoveryCodeDigests',
  '*.recoveryCodeDigests',
  'codeDigest',
  '*.codeDigest',
  'tokenDigest',
  '*.tokenDigest',
  // Mailed reset and verification tokens, raw (a request body) or sealed (an outbox document).
  'token',
  '*.token',
  'sealedToken',
  '*.sealedToken',
];

/** JSON lines for machines; pretty when a person watches a terminal. */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY === true && process.env.NODE_ENV !== 'production');
  return pino({
    level,
    base: { service: 'auth-service' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}
