import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BigQuery } from '@google-cloud/bigquery';
import { loadNewlineDelimitedJson } from '../../ingest/bigqueryLoadJob';
import type { DatasetReference } from '../../store/bigquery/bigQueryConnection';
import { QueryJobRunner } from '../../store/bigquery/QueryJobRunner';
import { retryWithinDeadline } from '../../store/bigquery/retryWithinDeadline';
import { METADATA_KEYS, readEmbeddingsMetadata } from '../embeddingsParquet';
import { searchSpaceOf } from '../searchSpace';

export interface LoadEmbeddingsOptions {
  location?: string;
  /** Also CREATE VECTOR INDEX on the searched column (BigQuery populates it only for tables of 10 MB or more). */
  vectorIndex?: boolean;
}

/**
 * An embeddings Parquet file (or the shards of one, by glob) into a BigQuery table of the same columns
 * (path, label, embedding and pca as ARRAY<FLOAT64>), through a load job of newline-delimited JSON that
 * DuckDB writes from the Parquet. In production `bq load --source_format=PARQUET` does the same from
 * Cloud Storage without the local copy; this path serves a local file and the tests (the fake loads JSON).
 */
export async function loadEmbeddingsTable(
  client: BigQuery,
  target: DatasetReference,
  tableId: string,
  parquet: string,
  options: LoadEmbeddingsOptions = {},
): Promise<{ rows: number; column: string }> {
  const metadata = await readEmbeddingsMetadata(parquet);
  if (!metadata[METADATA_KEYS.backbone]) throw new Error(`${parquet} names no backbone: write it with npm run embed`);
  const { column } = searchSpaceOf(metadata);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embeddings-load-'));
  const json = path.join(workDir, 'rows.json');
  try {
    const rows = await writeJson(parquet, json, column === 'pca');
    const dataset = client.dataset(target.datasetId, { projectId: target.projectId });
    const [exists] = await dataset.exists();
    if (!exists) await dataset.create({ location: options.location });
    const table = dataset.table(tableId);
    if ((await table.exists())[0]) await table.delete();
    await dataset.createTable(tableId, {
      schema: {
        fields: [
          { name: 'path', type: 'STRING', mode: 'REQUIRED' },
          { name: 'label', type: 'STRING', mode: 'NULLABLE' },
          { name: 'embedding', type: 'FLOAT', mode: 'REPEATED' },
          ...(column === 'pca' ? [{ name: 'pca', type: 'FLOAT', mode: 'REPEATED' }] : []),
        ],
      },
    });
    await loadNewlineDelimitedJson(client, { projectId: target.projectId, datasetId: target.datasetId, tableId }, json, options.location);
    if (options.vectorIndex) {
      const runner = new QueryJobRunner(client, options.location);
      const ddl = `CREATE VECTOR INDEX IF NOT EXISTS \`${tableId}_${column}_index\` ON \`${target.qualified}.${tableId}\`(${column}) OPTIONS (index_type = 'IVF', distance_type = 'COSINE')`;
      await retryWithinDeadline((deadline) => runner.run(ddl, [], deadline), { maxRetries: 3, deadlineMs: 10 * 60_000, baseDelayMs: 1000, maxDelayMs: 10_000 });
    }
    return { rows, column };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function writeJson(parquet: string, out: string, withPca: boolean): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  try {
    const source = `read_parquet(${literal(parquet)}, union_by_name = true)`;
    await connection.run(`COPY (SELECT path, label, embedding${withPca ? ', pca' : ''} FROM ${source} ORDER BY path) TO ${literal(out)} (FORMAT json)`);
    const [[count]] = (await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM ${source}`)).getRows() as number[][];
    return count;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
