import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { logger } from './logger';
import { createGateway } from './server';

/** Process entry point: configuration, start, and a graceful stop on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const gateway = await createGateway(config);
  const url = await gateway.listen();
  logger.info({ url, store: config.store, production: config.production }, `gateway ready at ${url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: draining in-flight requests');
    const forced = setTimeout(() => {
      logger.error({ graceMs: config.shutdownGraceMs }, 'drain took too long; exiting');
      exitAfterLogs(1);
    }, config.shutdownGraceMs);
    forced.unref();
    gateway.close().then(
      () => {
        logger.info('stopped');
        exitAfterLogs(0);
      },
      (error) => {
        logger.error({ err: error }, 'error while stopping');
        exitAfterLogs(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** pino writes asynchronously: exit once the lines logged so far are out, or process.exit drops the last ones. */
function exitAfterLogs(code: number): void {
  process.exitCode = code;
  logger.flush(() => process.exit(code));
}

main().catch((error) => {
  if (error instanceof ConfigError) logger.fatal(`configuration error: ${error.message}`);
  else logger.fatal({ err: error }, 'gateway failed to start');
  exitAfterLogs(1);
});
