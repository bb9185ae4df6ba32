import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './infrastructure/config/config.js';
import { createLogger } from './infrastructure/logging/pino-logger.js';
import { Runtime } from './infrastructure/runtime/runtime.js';
import { closeServer, createServerApp, listen } from './interfaces/http/server.js';

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
  const runtime = await Runtime.boot(config, logger);
  await runtime.start();
  const server = await listen(createServerApp(runtime), config.port, config.host);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info({ host: config.host, port, mode: runtime.storage.mode }, `listening on http://${config.host}:${port}`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void (async () => {
      await closeServer(server, config.shutdownTimeoutSeconds * 1000);
      await runtime.stop();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`auth-service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
