import { loadConfig } from '../../src/config';
import { GatewayMetrics } from '../../src/metrics';
import { createGateway, type Gateway } from '../../src/server';
import type { ServiceOverrides } from '../../src/services';

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  metrics: GatewayMetrics;
  /** POSTs a GraphQL operation as JSON; returns the HTTP status and parsed body. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  backendQueries(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A real gateway on an ephemeral loopback port, configured as the process would be from `env`, except
 * that the shipped default model is off unless `env` says otherwise (`DEFAULT_MODEL: undefined` or
 * `'shipped'`): most suites do not classify, and loading MobileNet V2 into every worker would only slow them.
 */
export async function startGateway(env: Record<string, string | undefined> = {}, overrides: ServiceOverrides & { explorerDir?: string } = {}): Promise<RunningGateway> {
  const config = loadConfig({ LOG_LEVEL: 'silent', DEFAULT_MODEL: 'none', ...env });
  const metrics = new GatewayMetrics();
  const gateway = await createGateway(config, { ...overrides, metrics });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    gateway,
    url,
    metrics,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as any };
    },
    async backendQueries() {
      const metric = await metrics.backendQueries.get();
      return metric.values.reduce((sum, v) => sum + v.value, 0);
    },
    close: () => gateway.close(),
  };
}
