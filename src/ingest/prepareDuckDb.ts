import { DuckDBInstance, LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { logger } from '../logger';
import { demoDataDir } from '../paths';
import { TABLE_NAMES } from '../store/tables';
import { detectDatasetLayout } from './datasetLayout';
import { ingestIntoDuckDb } from './duckdbIngest';
import type { IngestReport } from './ingestReport';
import { describeSources, readSources, sourcesDiffer } from './ingestSources';

export interface DuckDbPreparation {
  /** Folder of CSVs to load; unset: the demo dataset. */
  dataDir?: string;
  /**
   * Database file. When it already holds the tables it is reused, unless `reload` is set or `dataDir` is set
   * and its files differ from the ones the database records it was loaded from.
   */
  databasePath?: string;
  reload?: boolean;
}

/** A database ready to serve, and what loading it found when it had to be (re)loaded. */
export interface PreparedDuckDb {
  instance: DuckDBInstance;
  ingestReport: IngestReport | undefined;
}

/**
 * The preparation step before a DuckDB store opens: decides whether the database (a file, or memory)
 * holds current tables and loads the CSVs when it does not. The store then only opens `instance`.
 */
export async function prepareDuckDb(options: DuckDbPreparation = {}): Promise<PreparedDuckDb> {
  const instance = await DuckDBInstance.create(options.databasePath ?? ':memory:');
  try {
    const connection = await instance.connect();
    try {
      return { instance, ingestReport: await loadWhenStale(connection, options) };
    } finally {
      connection.closeSync();
    }
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

async function loadWhenStale(connection: DuckDBConnection, options: DuckDbPreparation): Promise<IngestReport | undefined> {
  const reader = await connection.runAndReadAll(
    `SELECT COUNT(*) AS n FROM duckdb_tables() WHERE table_name IN (SELECT UNNEST($names))`,
    { names: listValue([...TABLE_NAMES]) },
    { names: LIST(VARCHAR) },
  );
  const loaded = Number(reader.getRowObjectsJS()[0].n) === TABLE_NAMES.length;
  const dir = options.dataDir ?? demoDataDir();
  const layout = detectDatasetLayout(dir);
  const current = describeSources(layout);
  const recorded = loaded ? await readSources(connection) : undefined;
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
  if (!reason) {
    const why = options.dataDir ? 'its source files are unchanged' : 'DATA_DIR is unset, so the tables it holds are served';
    logger.info({ databasePath: options.databasePath, files: files(recorded) }, `reusing the duckdb database: ${why}`);
    return undefined;
  }
  const started = Date.now();
  const report = await ingestIntoDuckDb(connection, layout);
  const { rejected, ...counts } = report;
  logger.info(
    { dataDir: dir, databasePath: options.databasePath, reason, files: files(current), ...counts, rejected: rejected.length, ms: Date.now() - started },
    `metadata loaded into duckdb: ${reason}`,
  );
  for (const row of rejected.slice(0, 20)) logger.warn({ ...row }, 'malformed row not loaded');
  return report;
}
