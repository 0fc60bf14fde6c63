import { isLoopbackHost, type GatewayConfig } from '../config';
import type { Logger } from '../logger';

/**
 * Says at start who may do what, and warns when a development gateway (where anonymous callers may
 * do everything, train and delete included) can be reached from other machines.
 */
export function logAccessSummary(config: GatewayConfig, apiKeys: number, log: Logger): void {
  const identity = config.auth.jwksUrl ? 'JWKS URL' : config.auth.jwksFile ? 'JWKS file' : 'none';
  log.info({ anonymousScopes: config.auth.anonymousScopes, jwt: identity, apiKeys, rateLimits: config.rateLimits }, 'access control');
  if (!config.production && !isLoopbackHost(config.host) && config.auth.anonymousScopes.includes('train')) {
    log.warn(
      { host: config.host, anonymousScopes: config.auth.anonymousScopes },
      'development mode listens beyond loopback: anyone who reaches this port may train, replace and delete models. ' +
        'Set HOST=127.0.0.1 for yourself alone, or NODE_ENV=production (anonymous callers: read, classify) with AUTH_JWKS_URL or API_KEYS_FILE.',
    );
  }
}
