import type { DuckDBConnection } from '@duckdb/node-api';
import { duckDbDialect } from '../store/queries';
import { derivedTableStatements } from '../store/tables';
import type { DatasetLayout, SourceFiles } from './datasetLayout';
import { describeSources, writeSources } from './ingestSources';
import { shortText, type IngestReport, type RejectedRow } from './ingestReport';
import { sourceSpec, TABLE_COLUMNS, TABLE_NAME, type TableKind } from './sourceFormats';
import { hasHeader, readSourceRows } from './sourceRows';

export type { IngestReport, RejectedRow } from './ingestReport';

/**
 * Loads a dataset folder into DuckDB tables shaped like the BigQuery tables, then builds the
 * derived tables (images, class_stats, relation_stats). Malformed CSV rows are not dropped in
 * silence: DuckDB's reject tables record them with file and line, rows with an empty required value
 * are located by the JS reader, and all come back in the report.
 */

export type IngestStep = 'classes' | 'image_labels' | 'relations' | 'derived';

/**
 * Image lookups name a few ids out of millions: ART indexes answer them without scanning (the tables
 * are also sorted by image id, which helps range scans but not a batch of scattered ids).
 */
const LOOKUP_INDEXES = [
  'CREATE INDEX images_by_id ON images (ImageId)',
  'CREATE INDEX image_labels_by_image ON image_labels (ImageId)',
  'CREATE INDEX relations_by_image ON relations (ImageId)',
];

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The dialect is given, not sniffed: sniffing fails on small files with malformed rows. */
function readCsv(files: SourceFiles, kind: TableKind, header: boolean): string {
  const columns = sourceSpec(kind, files.format)
    .columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`)
    .join(', ');
  return `read_csv([${files.paths.map(sqlString).join(', ')}], header = ${header}, columns = {${columns}},
    auto_detect = false, delim = ',', quote = '"', escape = '"',
    store_rejects = true, rejects_table = 'ingest_rejects', rejects_scan = 'ingest_reject_scans')`;
}

async function filesHaveHeader(kind: TableKind, files: SourceFiles): Promise<boolean> {
  const headers = await Promise.all(files.paths.map((file) => hasHeader(file, kind, files)));
  if (new Set(headers).size > 1) throw new Error(`Some ${TABLE_NAME[kind]} files have a header line and some do not: ${files.paths.join(', ')}`);
  return headers[0] ?? true;
}

/** Creates (or replaces) all tables from the layout's files. `onStep` reports progress. */
export async function ingestIntoDuckDb(
  connection: DuckDBConnection,
  layout: DatasetLayout,
  onStep: (step: IngestStep, done: number, total: number) => void = () => {},
): Promise<IngestReport> {
  const total = 4;
  const rejects: RejectedRow[] = [];
  const sources = describeSources(layout);
  await connection.run('DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_reject_scans;');

  const collectRejects = async () => {
    const exists = await connection.runAndReadAll("SELECT COUNT(*) AS n FROM duckdb_tables() WHERE table_name = 'ingest_rejects'");
    if (Number(exists.getRowObjectsJS()[0].n) === 0) return;
    const reader = await connection.runAndReadAll(
      `SELECT s.file_path AS file, r.line AS line, r.error_type || ': ' || r.error_message AS error, r.csv_line AS text
       FROM ingest_rejects r JOIN ingest_reject_scans s USING (scan_id, file_id) ORDER BY s.file_path, r.line`,
    );
    for (const row of reader.getRowObjectsJS()) {
      rejects.push({ file: String(row.file), line: Number(row.line), error: String(row.error), text: shortText(String(row.text).replace(/^\r?\n/, '')) });
    }
    await connection.run('DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_reject_scans;');
  };

  const loadTable = async (kind: TableKind, files: SourceFiles | undefined) => {
    const table = TABLE_NAME[kind];
    const columns = TABLE_COLUMNS[kind];
    if (!files) {
      await connection.run(`CREATE OR REPLACE TABLE ${table} (${columns.map((c) => `${c} VARCHAR`).join(', ')})`);
      return;
    }
    const spec = sourceSpec(kind, files.format);
    const staging = `ingest_${table}`;
    await connection.run(`CREATE OR REPLACE TEMP TABLE ${staging} AS SELECT * FROM ${readCsv(files, kind, await filesHaveHeader(kind, files))}`);
    await collectRejects();

    const types = new Map(spec.columns.map((c) => [c.name, c.type]));
    const missing = spec.required.map((c) => (types.get(c) === 'DOUBLE' ? `${ident(c)} IS NULL` : `${ident(c)} IS NULL OR trim(${ident(c)}) = ''`)).join(' OR ');
    const bad = await connection.runAndReadAll(`SELECT COUNT(*) AS n FROM ${staging} WHERE ${missing}`);
    if (Number(bad.getRowObjectsJS()[0].n) > 0) rejects.push(...(await locateMissingValues(kind, files)));

    const keep = spec.keepWhere ? `AND ${ident(spec.keepWhere.column)} = ${spec.keepWhere.equals}` : '';
    const select = columns.map((c) => `${ident(spec.select[c])} AS ${c}`).join(', ');
    // Duplicates change no answer (every query counts distinct values) but cost space: classes and labels drop them.
    const distinct = kind === 'relations' ? '' : 'DISTINCT';
    const order = kind === 'classes' ? '' : 'ORDER BY ImageId';
    await connection.run(`CREATE OR REPLACE TABLE ${table} AS SELECT ${distinct} ${select} FROM ${staging} WHERE NOT (${missing}) ${keep} ${order}`);
    await connection.run(`DROP TABLE ${staging}`);
  };

  await loadTable('classes', layout.classes);
  onStep('classes', 1, total);
  await loadTable('imageLabels', layout.imageLabels);
  onStep('image_labels', 2, total);
  await loadTable('relations', layout.relations);
  onStep('relations', 3, total);
  for (const statement of derivedTableStatements(duckDbDialect)) await connection.run(statement);
  for (const statement of LOOKUP_INDEXES) await connection.run(statement);
  // Described before reading: a file rewritten during the load then differs from the record at the next start.
  await writeSources(connection, sources);
  // Write everything to the database file now rather than leaving it in the WAL for the first reads.
  await connection.run('CHECKPOINT');
  onStep('derived', 4, total);

  const count = async (table: string) => Number((await connection.runAndReadAll(`SELECT COUNT(*) AS n FROM ${table}`)).getRowObjectsJS()[0].n);
  return {
    classes: await count('classes'),
    imageLabels: await count('image_labels'),
    relations: await count('relations'),
    images: await count('images'),
    rejected: rejects.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
  };
}

/** DuckDB's reader does not number the rows it accepts; the JS reader finds the empty values' lines. */
async function locateMissingValues(kind: TableKind, files: SourceFiles): Promise<RejectedRow[]> {
  const found: RejectedRow[] = [];
  for await (const row of readSourceRows(kind, files)) {
    if ('rejected' in row && row.rejected.error.startsWith('MISSING VALUE')) found.push(row.rejected);
  }
  return found;
}
