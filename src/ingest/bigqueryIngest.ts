import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BigQuery, Dataset } from '@google-cloud/bigquery';
import type { DatasetReference } from '../store/bigquery/bigQueryConnection';
import { QueryJobRunner, type ResultRow } from '../store/bigquery/QueryJobRunner';
import { retryWithinDeadline } from '../store/bigquery/retryWithinDeadline';
import { bigQueryDialect } from '../store/queries';
import { derivedTableStatements } from '../store/tables';
import { loadNewlineDelimitedJson } from './bigqueryLoadJob';
import type { DatasetLayout, SourceFiles } from './datasetLayout';
import type { IngestReport, RejectedRow } from './ingestReport';
import { TABLE_COLUMNS, TABLE_NAME, type TableKind } from './sourceFormats';
import { readSourceRows } from './sourceRows';

/**
 * Loads a dataset folder into BigQuery: creates the dataset if missing, (re)creates the three base
 * tables with explicit schemas, validates the CSV rows (rejects reported with file and line), loads
 * them with load jobs from newline-delimited JSON files, then builds the derived tables
 * with the shared DDL. Duplicate rows are loaded as they come: every query counts distinct values.
 */

export interface BigQueryIngestProgress {
  step: TableKind | 'derived';
  /** Bytes of the source files read so far (all tables) and in total. */
  bytesRead: number;
  totalBytes: number;
  rowsLoaded: number;
}

export interface BigQueryIngestOptions {
  location?: string;
  /** Rows per load job (one temporary file each). */
  rowsPerLoadJob?: number;
  /** Budget of each DDL / count query. */
  queryTimeoutMs?: number;
  onProgress?: (progress: BigQueryIngestProgress) => void;
}

// Lookups go by image id; clustering keeps the bytes such a query scans small.
const CLUSTERING: Partial<Record<TableKind, string[]>> = { imageLabels: ['ImageId'], relations: ['ImageId'] };

export async function ingestIntoBigQuery(client: BigQuery, target: DatasetReference, layout: DatasetLayout, options: BigQueryIngestOptions = {}): Promise<IngestReport> {
  const rowsPerJob = options.rowsPerLoadJob ?? 1_000_000;
  const sources: Array<[TableKind, SourceFiles | undefined]> = [
    ['classes', layout.classes],
    ['imageLabels', layout.imageLabels],
    ['relations', layout.relations],
  ];
  const totalBytes = sources.flatMap(([, files]) => files?.paths ?? []).reduce((sum, file) => sum + fs.statSync(file).size, 0);
  const progress: BigQueryIngestProgress = { step: 'classes', bytesRead: 0, totalBytes, rowsLoaded: 0 };
  const report = () => options.onProgress?.({ ...progress });

  const dataset = client.dataset(target.datasetId, { projectId: target.projectId });
  const [exists] = await dataset.exists();
  if (!exists) await dataset.create({ location: options.location });

  const rejected: RejectedRow[] = [];
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openimages-load-'));
  try {
    for (const [kind, files] of sources) {
      progress.step = kind;
      report();
      await recreateTable(dataset, kind);
      if (!files) continue;
      const bytesBefore = progress.bytesRead;
      const batches = writeLoadFiles(kind, files, workDir, rowsPerJob, rejected, (bytes) => {
        progress.bytesRead = bytesBefore + bytes;
        report();
      });
      for await (const batch of batches) {
        const table = { projectId: target.projectId, datasetId: target.datasetId, tableId: TABLE_NAME[kind] };
        await loadNewlineDelimitedJson(client, table, batch.file, options.location);
        fs.rmSync(batch.file, { force: true });
        progress.rowsLoaded += batch.rows;
        report();
      }
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  progress.step = 'derived';
  report();
  const runner = new QueryJobRunner(client, options.location);
  const query = (sql: string) =>
    retryWithinDeadline((deadline) => runner.run(sql, [], deadline), {
      maxRetries: 3,
      deadlineMs: options.queryTimeoutMs ?? 15 * 60_000,
      baseDelayMs: 1000,
      maxDelayMs: 10_000,
    });
  const dialect = bigQueryDialect(target.qualified);
  for (const statement of derivedTableStatements(dialect)) await query(statement);

  const [counts] = await query(
    `SELECT (SELECT COUNT(*) FROM ${dialect.table('classes')}) AS classes,
            (SELECT COUNT(*) FROM ${dialect.table('image_labels')}) AS image_labels,
            (SELECT COUNT(*) FROM ${dialect.table('relations')}) AS relations,
            (SELECT COUNT(*) FROM ${dialect.table('images')}) AS images`,
  );
  const count = (row: ResultRow | undefined, key: string) => Number(row?.[key] ?? 0);
  return {
    classes: count(counts, 'classes'),
    imageLabels: count(counts, 'image_labels'),
    relations: count(counts, 'relations'),
    images: count(counts, 'images'),
    rejected,
  };
}

async function recreateTable(dataset: Dataset, kind: TableKind): Promise<void> {
  const table = dataset.table(TABLE_NAME[kind]);
  const [exists] = await table.exists();
  if (exists) await table.delete();
  await dataset.createTable(TABLE_NAME[kind], {
    schema: { fields: TABLE_COLUMNS[kind].map((name) => ({ name, type: 'STRING', mode: 'REQUIRED' })) },
    ...(CLUSTERING[kind] ? { clustering: { fields: CLUSTERING[kind] } } : {}),
  });
}

/** Validated rows of one table as newline-delimited JSON files of at most `rowsPerFile` rows. */
async function* writeLoadFiles(
  kind: TableKind,
  files: SourceFiles,
  workDir: string,
  rowsPerFile: number,
  rejected: RejectedRow[],
  onBytes: (bytes: number) => void,
): AsyncGenerator<{ file: string; rows: number }> {
  const columns = TABLE_COLUMNS[kind];
  let out: fs.WriteStream | undefined;
  let file = '';
  let rows = 0;
  let fileCount = 0;
  const finish = async () => {
    out!.end();
    await once(out!, 'close');
    out = undefined;
    return { file, rows };
  };
  for await (const row of readSourceRows(kind, files, { onBytes })) {
    if ('rejected' in row) {
      rejected.push(row.rejected);
      continue;
    }
    if (!out) {
      file = path.join(workDir, `${TABLE_NAME[kind]}-${fileCount++}.json`);
      out = fs.createWriteStream(file);
      rows = 0;
    }
    const record = Object.fromEntries(columns.map((column, i) => [column, row.values[i]]));
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
    rows += 1;
    if (rows >= rowsPerFile) yield await finish();
  }
  if (out) yield await finish();
}
