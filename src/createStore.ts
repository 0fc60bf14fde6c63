import type { GatewayConfig } from './config';
import { prepareDuckDb } from './ingest/prepareDuckDb';
import type { GatewayMetrics } from './metrics';
import { DuckDbStore } from './store/duckdb/DuckDbStore';
import type { MetadataStore } from './store/MetadataStore';

/**
 * The store the configuration names: embedded DuckDB by default (prepared first: loaded from DATA_DIR
 * or the demo data when its tables are missing or stale), BigQuery with STORE=bigquery (loaded by
 * `npm run load`).
 */
export async function createStore(config: GatewayConfig, metrics?: GatewayMetrics): Promise<MetadataStore> {
  if (config.store === 'bigquery') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only STORE=bigquery pays for loading the BigQuery client
    const { BigQueryStore } = require('./store/bigquery/BigQueryStore') as typeof import('./store/bigquery/BigQueryStore');
    return BigQueryStore.create(config, metrics);
  }
  const { instance } = await prepareDuckDb({ dataDir: config.dataDir, databasePath: config.duckdbPath });
  return DuckDbStore.open(instance, { metrics });
}
