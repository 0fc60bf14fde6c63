import type { GatewayConfig } from '../config';
import type { GatewayMetrics } from '../metrics';
import { DuckDbStore } from './duckdb/DuckDbStore';
import type { MetadataStore } from './MetadataStore';

/** The store the configuration names: embedded DuckDB by default, BigQuery with STORE=bigquery. */
export async function createStore(config: GatewayConfig, metrics?: GatewayMetrics): Promise<MetadataStore> {
  if (config.store === 'bigquery') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only STORE=bigquery pays for loading the BigQuery client
    const { BigQueryStore } = require('./bigquery/BigQueryStore') as typeof import('./bigquery/BigQueryStore');
    return BigQueryStore.create(config, metrics);
  }
  return DuckDbStore.open({ dataDir: config.dataDir, databasePath: config.duckdbPath, metrics });
}
