import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../src/config';
import { ingestIntoBigQuery } from '../src/ingest/bigqueryIngest';
import { detectDatasetLayout, type DatasetLayout } from '../src/ingest/datasetLayout';
import { ingestIntoDuckDb } from '../src/ingest/duckdbIngest';
import type { IngestReport } from '../src/ingest/ingestReport';
import { createBigQueryClient, resolveDataset, settingsFromConfig, type BigQuerySettings } from '../src/store/bigquery/bigQueryConnection';
import { CliFailure, existingDir, numberOption, runCli, UsageError } from './support/cli';

/**
 * npm run load -- --dir <csv folder> [--to duckdb|bigquery] [--duckdb-path file] [--strict] [--rejects-file file]
 *
 * Loads the gateway layout (classes.csv, image_labels.csv, relations.csv) or the official Open Images
 * files into DuckDB (DUCKDB_PATH / --duckdb-path, default ./openimages.duckdb) or BigQuery
 * (BIGQUERY_PROJECT, BIGQUERY_DATASET, BIGQUERY_API_ENDPOINT, BIGQUERY_LOCATION), builds the derived
 * tables and prints a summary with every malformed row (file:line). Exit status: 0 loaded, 1 failed,
 * 2 loaded with malformed rows under --strict.
 */

const USAGE = `usage: npm run load -- --dir <csv folder> [options]

Loads Open Images metadata CSVs (classes, image labels, relations) into DuckDB or BigQuery.

  --dir <folder>          the CSV files (required)
  --to duckdb|bigquery    destination (default duckdb)
  --duckdb-path <file>    DuckDB file (default DUCKDB_PATH, else ./openimages.duckdb)
  --rows-per-job <n>      BigQuery: rows per load job
  --strict                exit 2 when any row is malformed
  --rejects-file <file>   write every malformed row there (JSON)
  -h, --help              this text`;
const SHOWN_REJECTS = 100;

const spec = {
  usage: USAGE,
  options: {
    dir: { type: 'string' },
    to: { type: 'string', default: 'duckdb' },
    'duckdb-path': { type: 'string' },
    'rows-per-job': { type: 'string' },
    'rejects-file': { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
} as const;

runCli(spec, async ({ values }) => {
  const dir = existingDir('--dir', values.dir);
  const to = values.to;
  if (to !== 'duckdb' && to !== 'bigquery') throw new UsageError(`--to must be duckdb or bigquery, got "${to}"`);
  const rowsPerJob = numberOption('--rows-per-job', values['rows-per-job'], { min: 1, integer: true });
  const config = loadConfig();

  const started = Date.now();
  let destination: string;
  let report: IngestReport;
  try {
    const layout = detectDatasetLayout(dir);
    if (to === 'duckdb') {
      destination = path.resolve(values['duckdb-path'] ?? config.duckdbPath ?? 'openimages.duckdb');
      report = await loadIntoDuckDb(layout, destination);
    } else {
      const settings = settingsFromConfig(config);
      destination = resolveDataset(settings.dataset, settings.project).qualified;
      report = await loadIntoBigQuery(layout, settings, rowsPerJob);
    }
  } catch (error) {
    // Bad files, a locked database, a refused BigQuery job: the message says what; a stack would not help.
    throw new CliFailure(`load failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  printSummary(dir, to, destination, report, Date.now() - started);
  if (values['rejects-file']) fs.writeFileSync(values['rejects-file'], JSON.stringify(report.rejected, null, 2));
  return values.strict && report.rejected.length > 0 ? 2 : 0;
});

async function loadIntoDuckDb(layout: DatasetLayout, databasePath: string): Promise<IngestReport> {
  const instance = await DuckDBInstance.create(databasePath);
  const connection = await instance.connect();
  const bar = progressBar('{bar} {percentage}% | {step}');
  bar.start(400, 0, { step: 'classes' });
  let done = 0;
  // DuckDB reports the progress of the statement running on the connection.
  const poll = setInterval(() => bar.update(done * 100 + Math.max(0, Math.min(99, connection.progress.percentage))), 200);
  try {
    return await ingestIntoDuckDb(connection, layout, (step, finished) => {
      done = finished;
      bar.update(finished * 100, { step });
    });
  } finally {
    clearInterval(poll);
    bar.stop();
    connection.closeSync();
    instance.closeSync();
  }
}

async function loadIntoBigQuery(layout: DatasetLayout, settings: BigQuerySettings, rowsPerLoadJob: number | undefined): Promise<IngestReport> {
  const bar = progressBar('{bar} {percentage}% | {step} | {rows} rows loaded');
  bar.start(1, 0, { step: 'classes', rows: 0 });
  try {
    return await ingestIntoBigQuery(createBigQueryClient(settings), resolveDataset(settings.dataset, settings.project), layout, {
      location: settings.location,
      rowsPerLoadJob,
      onProgress: ({ step, bytesRead, totalBytes, rowsLoaded }) => {
        bar.setTotal(Math.max(1, totalBytes));
        bar.update(step === 'derived' ? totalBytes : bytesRead, { step, rows: rowsLoaded });
      },
    });
  } finally {
    bar.stop();
  }
}

function progressBar(format: string): SingleBar {
  return new SingleBar({ format, stream: process.stderr, hideCursor: true, clearOnComplete: true });
}

function printSummary(dir: string, target: string, destination: string, report: IngestReport, ms: number): void {
  const lines = [
    `Loaded ${dir} into ${target} (${destination}) in ${(ms / 1000).toFixed(1)} s`,
    `  classes        ${report.classes}`,
    `  image_labels   ${report.imageLabels}`,
    `  relations      ${report.relations}`,
    `  images         ${report.images}`,
    `  rejected rows  ${report.rejected.length}`,
  ];
  if (report.rejected.length > 0) {
    lines.push('Malformed rows (not loaded):');
    for (const row of report.rejected.slice(0, SHOWN_REJECTS)) lines.push(`  ${row.file}:${row.line}  ${row.error}  | ${row.text}`);
    const more = report.rejected.length - SHOWN_REJECTS;
    if (more > 0) lines.push(`  ... and ${more} more; --rejects-file <file> writes them all`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
