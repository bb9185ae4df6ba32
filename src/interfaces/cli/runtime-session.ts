import { pino, type Logger } from 'pino';
import { loadConfig } from '../../infrastructure/config/config.js';
import { REDACTED_PATHS } from '../../infrastructure/logging/pino-logger.js';
import { Runtime } from '../../infrastructure/runtime/runtime.js';

/** Runs `work` over a booted runtime and always stops it, so the process can exit. */
export type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;

/**
 * Logs go to stderr so that stdout carries only results (NDJSON exports stay parseable), and only
 * warnings unless LOG_LEVEL asks for more: an operator wants the answer, not the start-up chatter.
 */
function cliLogger(env: NodeJS.ProcessEnv, level: string): Logger {
  return pino(
    {
      level: env['LOG_LEVEL'] === undefined || env['LOG_LEVEL'] === '' ? 'warn' : level,
      base: { service: 'auth-cli' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/**
 * The service's own configuration (MONGODB_URI or DATA_DIR, key settings…) and wiring, with
 * nothing started: no HTTP server, no live projection runner, no first-administrator seeding.
 * A command that reads the read models catches them up itself.
 */
export function runtimeSession(env: NodeJS.ProcessEnv): WithRuntime {
  return async (work) => {
    const config = loadConfig(env);
    const runtime = await Runtime.boot(config, cliLogger(env, config.logLevel));
    try {
      return await work(runtime);
    } finally {
      await runtime.stop();
    }
  };
}
