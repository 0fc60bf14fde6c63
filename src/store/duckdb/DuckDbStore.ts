import { DuckDBInstance, LIST, VARCHAR, BIGINT, listValue } from '@duckdb/node-api';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { detectDatasetLayout } from '../../ingest/datasetLayout';
import { ingestIntoDuckDb, type IngestReport } from '../../ingest/duckdbIngest';
import { describeSources, readSources, sourcesDiffer } from '../../ingest/ingestSources';
import { logger } from '../../logger';
import type { GatewayMetrics } from '../../metrics';
import { demoDataDir } from '../../paths';
import { duckDbDialect, type SqlQuery } from '../queries';
import { SqlMetadataStore, type Row } from '../SqlMetadataStore';
import { ConnectionPool } from './ConnectionPool';

export interface DuckDbStoreOptions {
  /** Folder of CSVs to load; unset: the demo dataset. */
  dataDir?: string;
  /**
   * Database file. When it already holds the tables it is reused, unless `reload` is set or `dataDir` is set
   * and its files differ from the ones the database records it was loaded from.
   */
  databasePath?: string;
  reload?: boolean;
  connections?: number;
  metrics?: GatewayMetrics;
}

const REQUIRED_TABLES = ['classes', 'image_labels', 'relations', 'images', 'class_stats', 'relation_stats', 'label_words', 'small_numbers', 'relation_search'];

/** The embedded default store: DuckDB in process, in memory or in a file. */
export class DuckDbStore extends SqlMetadataStore {
  readonly backend = 'duckdb';
  protected readonly dialect = duckDbDialect;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly pool: ConnectionPool,
    readonly ingestReport: IngestReport | undefined,
    metrics?: GatewayMetrics,
  ) {
    super(metrics);
  }

  static async open(options: DuckDbStoreOptions = {}): Promise<DuckDbStore> {
    const instance = await DuckDBInstance.create(options.databasePath ?? ':memory:');
    const pool = await ConnectionPool.open(instance, options.connections ?? 4);
    let report: IngestReport | undefined;
    const loaded = await pool.use(async (connection) => {
      const reader = await connection.runAndReadAll(
        `SELECT COUNT(*) AS n FROM duckdb_tables() WHERE table_name IN (SELECT UNNEST($names))`,
        { names: listValue(REQUIRED_TABLES) },
        { names: LIST(VARCHAR) },
      );
      return Number(reader.getRowObjectsJS()[0].n) === REQUIRED_TABLES.length;
    });
    const dir = options.dataDir ?? demoDataDir();
    const layout = detectDatasetLayout(dir);
    const current = describeSources(layout);
    const recorded = loaded ? await pool.use(readSources) : undefined;
    const reason = !loaded
      ? options.databasePath
        ? 'the database file holds no tables yet'
        : 'in-memory database'
      : options.reload
        ? 'reload requested'
        : options.dataDir
          ? sourcesDiffer(recorded, current)
          : undefined; // DATA_DIR unset: serve what the file holds (e.g. written by `npm run load`)
    const files = (sources: { path: string; size: number }[] | undefined) => sources?.map((f) => `${f.path} (${f.size} bytes)`);
    if (reason) {
      const started = Date.now();
      report = await pool.use((connection) => ingestIntoDuckDb(connection, layout));
      const { rejected, ...counts } = report;
      logger.info({ dataDir: dir, databasePath: options.databasePath, reason, files: files(current), ...counts, rejected: rejected.length, ms: Date.now() - started }, `metadata loaded into duckdb: ${reason}`);
      for (const row of rejected.slice(0, 20)) logger.warn({ ...row }, 'malformed row not loaded');
    } else {
      const why = options.dataDir ? 'its source files are unchanged' : 'DATA_DIR is unset, so the tables it holds are served';
      logger.info({ databasePath: options.databasePath, files: files(recorded) }, `reusing the duckdb database: ${why}`);
    }
    return new DuckDbStore(instance, pool, report, options.metrics);
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
