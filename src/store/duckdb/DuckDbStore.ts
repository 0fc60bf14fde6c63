import { LIST, VARCHAR, BIGINT, listValue } from '@duckdb/node-api';
import type { DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { GatewayMetrics } from '../../metrics';
import { duckDbDialect, type SqlQuery } from '../queries';
import { SqlMetadataStore, type Row } from '../SqlMetadataStore';
import { ConnectionPool } from './ConnectionPool';

export interface DuckDbStoreOptions {
  connections?: number;
  metrics?: GatewayMetrics;
}

/**
 * The embedded default store: DuckDB in process, in memory or in a file. It serves a database that is
 * already prepared (ingest/prepareDuckDb loads it when needed) and closes that instance with itself.
 */
export class DuckDbStore extends SqlMetadataStore {
  readonly backend = 'duckdb';
  protected readonly dialect = duckDbDialect;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly pool: ConnectionPool,
    metrics?: GatewayMetrics,
  ) {
    super(metrics);
  }

  static async open(instance: DuckDBInstance, options: DuckDbStoreOptions = {}): Promise<DuckDbStore> {
    const pool = await ConnectionPool.open(instance, options.connections ?? 4);
    return new DuckDbStore(instance, pool, options.metrics);
  }

  protected async execute(query: SqlQuery): Promise<Row[]> {
    const values: Record<string, DuckDBValue> = {};
    const types: Record<string, DuckDBType> = {};
    for (const [name, value] of Object.entries(query.params)) {
      if (Array.isArray(value)) {
        values[name] = listValue(value);
        types[name] = LIST(VARCHAR);
      } else if (typeof value === 'number') {
        values[name] = BigInt(value);
        types[name] = BIGINT;
      } else {
        values[name] = value;
        types[name] = VARCHAR;
      }
    }
    return this.pool.use(async (connection) => {
      const reader = await connection.runAndReadAll(query.sql, values, types);
      return reader.getRowObjectsJS() as Row[];
    });
  }

  async ping(): Promise<void> {
    await this.pool.use((connection) => connection.run('SELECT 1'));
  }

  async close(): Promise<void> {
    this.pool.close();
    this.instance.closeSync();
  }
}
