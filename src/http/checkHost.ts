import dns from 'node:dns';
import { ConfigError } from '../config';

/**
 * HOST must resolve, checked before anything loads so that a typo fails in a second rather than after
 * the data load (listen() would otherwise report it with a stack trace). A probe of the network, not a
 * parse of the environment: it runs in main(), after loadConfig.
 */
export async function checkHost(host: string): Promise<void> {
  try {
    await dns.promises.lookup(host);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`HOST must be an address or host name of this machine (e.g. 0.0.0.0, 127.0.0.1, localhost), got "${host}": ${reason}`);
  }
}
