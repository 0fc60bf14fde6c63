import 'reflect-metadata';
import { logAccessSummary } from './auth/accessSummary';
import { ConfigError, loadConfig, type GatewayConfig } from './config';
import { checkHost } from './http/checkHost';
import { restrictImageLoaders } from './models/imageFormat';
import { DatasetLayoutError } from './ingest/datasetLayout';
import { logger } from './logger';

/** Process entry point: configuration, start, and a graceful stop on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  await checkHost(config.host);
  // Loaded after the configuration is known good, so that a mistake is reported without waiting for the whole gateway to load.
  const { createGateway } = await import('./server');
  restrictImageLoaders();
  const gateway = await createGateway(config);
  const url = await gateway.listen().catch(async (error: unknown) => {
    await gateway.close().catch(() => undefined);
    throw listenError(error, config);
  });
  logAccessSummary(config, gateway.services.identity.apiKeys.size, logger);
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

/** listen() failures a user can fix, as configuration errors naming the variable. */
function listenError(error: unknown, config: GatewayConfig): unknown {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new ConfigError(`PORT ${config.port} is already in use on ${config.host}: stop the other process or set PORT to a free port`);
    case 'EACCES':
      return new ConfigError(`PORT ${config.port} needs privileges this process lacks: use a port above 1023`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ConfigError(`HOST must be an address of this machine (e.g. 0.0.0.0, 127.0.0.1), got "${config.host}"`);
    default:
      return error;
  }
}

main().catch((error) => {
  if (error instanceof ConfigError) logger.fatal(`configuration error: ${error.message}`);
  else if (error instanceof DatasetLayoutError) logger.fatal(`configuration error: DATA_DIR: ${error.message}`);
  else logger.fatal({ err: error }, 'gateway failed to start');
  exitAfterLogs(1);
});
