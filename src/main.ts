import 'reflect-metadata';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './infrastructure/config/config.js';
import { createLogger } from './infrastructure/logging/pino-logger.js';
import { Runtime } from './infrastructure/runtime/runtime.js';
import { closeServer, createMetricsApp, createServerApp, listen } from './interfaces/http/server.js';
import { createStartingApp } from './interfaces/http/starting-app.js';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  // Listen first: while the store is unreachable or the log replays, the port says "not ready".
  const server = await listen(createStartingApp(), config.port, config.host);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info({ host: config.host, port, phase: 'starting' }, 'listening; not ready until started');

  const started: { runtime?: Runtime; metricsServer?: Server } = {};
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void (async () => {
      await closeServer(server, config.shutdownTimeoutSeconds * 1000);
      if (started.metricsServer !== undefined) await closeServer(started.metricsServer, 1000);
      await started.runtime?.stop();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const runtime = await Runtime.boot(config, logger);
  started.runtime = runtime;
  await runtime.start();
  if (stopping) return;
  if (config.metricsPort !== undefined) {
    started.metricsServer = await listen(createMetricsApp(runtime), config.metricsPort, config.host);
    logger.info({ host: config.host, port: config.metricsPort }, 'metrics listener (no token) started');
  }
  const handle = createServerApp(runtime).callback();
  server.removeAllListeners('request');
  server.on('request', (request, response) => void handle(request, response));
  logger.info(
    { host: config.host, port, mode: runtime.storage.mode },
    `serving http://${config.host}:${port}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `auth-service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
