import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { derivedTableStatements, duckDbDialect } from '../store/queries';
import type { DatasetLayout, SourceFiles } from './datasetLayout';

/**
 * Loads a dataset folder into DuckDB tables shaped like the BigQuery tables, then builds the
 * derived tables (images, class_stats, relation_stats). Malformed CSV rows are not dropped in
 * silence: DuckDB's reject tables record them with file and line, and they come back in the report.
 */

export interface RejectedRow {
  file: string;
  line: number;
  error: string;
  text: string;
}

export interface IngestReport {
  classes: number;
  imageLabels: number;
  relations: number;
  images: number;
  rejected: RejectedRow[];
}

export type IngestStep = 'classes' | 'image_labels' | 'relations' | 'derived';

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;
const fileList = (paths: string[]) => `[${paths.map(sqlString).join(', ')}]`;

function readCsv(files: SourceFiles, columns: Record<string, string>, header = true): string {
  const cols = Object.entries(columns)
    .map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`)
    .join(', ');
  return `read_csv(${fileList(files.paths)}, header = ${header}, columns = {${cols}}, quote = '"', escape = '"',
    store_rejects = true, rejects_table = 'ingest_rejects', rejects_scan = 'ingest_reject_scans', filename = true)`;
}

function classesSelect(files: SourceFiles): string {
  if (files.format === 'gateway') {
    return `SELECT Label, Description FROM ${readCsv(files, { Label: 'VARCHAR', Description: 'VARCHAR' })}`;
  }
  // Official class descriptions: v6 has a LabelName,DisplayName header, older releases none.
  const hasHeader = fs.readFileSync(files.paths[0], 'utf8').slice(0, 64).startsWith('LabelName');
  return `SELECT LabelName AS Label, DisplayName AS Description
          FROM ${readCsv(files, { LabelName: 'VARCHAR', DisplayName: 'VARCHAR' }, hasHeader)}`;
}

function imageLabelsSelect(files: SourceFiles): string {
  if (files.format === 'gateway') {
    return `SELECT ImageId, Label FROM ${readCsv(files, { ImageId: 'VARCHAR', Label: 'VARCHAR' })}`;
  }
  // Human-verified labels: Confidence 1 says the label is present, 0 that it was checked absent.
  return `SELECT ImageID AS ImageId, LabelName AS Label
          FROM ${readCsv(files, { ImageID: 'VARCHAR', Source: 'VARCHAR', LabelName: 'VARCHAR', Confidence: 'DOUBLE' })}
          WHERE Confidence = 1`;
}

function relationsSelect(files: SourceFiles): string {
  if (files.format === 'gateway') {
    return `SELECT ImageId, Label1, Relation, Label2
            FROM ${readCsv(files, { ImageId: 'VARCHAR', Label1: 'VARCHAR', Relation: 'VARCHAR', Label2: 'VARCHAR' })}`;
  }
  const box = Object.fromEntries(
    ['XMin1', 'XMax1', 'YMin1', 'YMax1', 'XMin2', 'XMax2', 'YMin2', 'YMax2'].map((c) => [c, 'DOUBLE']),
  );
  return `SELECT ImageID AS ImageId, LabelName1 AS Label1, RelationshipLabel AS Relation, LabelName2 AS Label2
          FROM ${readCsv(files, { ImageID: 'VARCHAR', LabelName1: 'VARCHAR', LabelName2: 'VARCHAR', ...box, RelationshipLabel: 'VARCHAR' })}`;
}

/** Creates (or replaces) all tables from the layout's files. `onStep` reports progress. */
export async function ingestIntoDuckDb(
  connection: DuckDBConnection,
  layout: DatasetLayout,
  onStep: (step: IngestStep, done: number, total: number) => void = () => {},
): Promise<IngestReport> {
  const total = 4;
  const emptyRelations = 'SELECT NULL::VARCHAR AS ImageId, NULL::VARCHAR AS Label1, NULL::VARCHAR AS Relation, NULL::VARCHAR AS Label2 WHERE FALSE';
  const emptyLabels = 'SELECT NULL::VARCHAR AS ImageId, NULL::VARCHAR AS Label WHERE FALSE';

  await connection.run('DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_reject_scans;');
  const rejects: RejectedRow[] = [];
  const collectRejects = async () => {
    const exists = await connection.runAndReadAll(
      "SELECT COUNT(*) AS n FROM duckdb_tables() WHERE table_name = 'ingest_rejects'",
    );
    if (Number(exists.getRowObjectsJS()[0].n) === 0) return;
    const reader = await connection.runAndReadAll(
      `SELECT s.file_path AS file, r.line AS line, r.error_type || ': ' || r.error_message AS error, r.csv_line AS text
       FROM ingest_rejects r JOIN ingest_reject_scans s USING (scan_id, file_id) ORDER BY s.file_path, r.line`,
    );
    for (const row of reader.getRowObjectsJS()) {
      rejects.push({ file: String(row.file), line: Number(row.line), error: String(row.error), text: String(row.text) });
    }
    await connection.run('DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_reject_scans;');
  };

  // Rows whose required fields are empty are malformed too; they are reported, not loaded.
  const loadTable = async (table: string, select: string, required: string[]) => {
    await connection.run(`CREATE OR REPLACE TABLE ${table} AS ${select}`);
    const missing = required.map((c) => `${c} IS NULL OR trim(${c}) = ''`).join(' OR ');
    const bad = await connection.runAndReadAll(`SELECT COUNT(*) AS n FROM ${table} WHERE ${missing}`);
    const count = Number(bad.getRowObjectsJS()[0].n);
    if (count > 0) {
      rejects.push({ file: table, line: 0, error: `MISSING VALUE: ${count} row(s) with an empty ${required.join('/')}`, text: '' });
      await connection.run(`DELETE FROM ${table} WHERE ${missing}`);
    }
    await collectRejects();
  };

  await loadTable('classes', `SELECT DISTINCT * FROM (${classesSelect(layout.classes)})`, ['Label', 'Description']);
  onStep('classes', 1, total);
  await loadTable(
    'image_labels',
    `SELECT DISTINCT * FROM (${layout.imageLabels ? imageLabelsSelect(layout.imageLabels) : emptyLabels}) ORDER BY ImageId`,
    ['ImageId', 'Label'],
  );
  onStep('image_labels', 2, total);
  await loadTable(
    'relations',
    `SELECT * FROM (${layout.relations ? relationsSelect(layout.relations) : emptyRelations}) ORDER BY ImageId`,
    ['ImageId', 'Label1', 'Relation', 'Label2'],
  );
  onStep('relations', 3, total);
  for (const statement of derivedTableStatements(duckDbDialect)) await connection.run(statement);
  onStep('derived', 4, total);

  const count = async (table: string) =>
    Number((await connection.runAndReadAll(`SELECT COUNT(*) AS n FROM ${table}`)).getRowObjectsJS()[0].n);
  return {
    classes: await count('classes'),
    imageLabels: await count('image_labels'),
    relations: await count('relations'),
    images: await count('images'),
    rejected: rejects,
  };
}
