import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { detectDatasetLayout } from '../../src/ingest/datasetLayout';
import { ingestIntoDuckDb } from '../../src/ingest/duckdbIngest';
import { readSourceRows } from '../../src/ingest/sourceRows';
import { tempDir } from './fixtures';

/**
 * The two loaders read CSVs differently (DuckDB's reader for --to duckdb and at server start, the JS
 * reader that feeds BigQuery load jobs); on the same files they must load the same rows and reject
 * the same lines. The files are big enough for records to straddle the JS reader's 1 MiB chunks.
 */

let work: string;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  work = tempDir('csv-parity');
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});
afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
  fs.rmSync(work, { recursive: true, force: true });
});

function writeDataset(name: string, labelLines: string[], lineEnd: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'classes.csv'), 'Label,Description\n/m/a,"A, the first"\n');
  fs.writeFileSync(path.join(dir, 'image_labels.csv'), `\uFEFFImageId,Label${lineEnd}${labelLines.join(lineEnd)}${lineEnd}`);
  return dir;
}

/** 60k label rows with commas, doubled quotes and unicode inside quoted values, and malformed rows at known lines. */
function labelLines(): { lines: string[]; malformedLines: number[] } {
  const lines: string[] = [];
  const malformedLines: number[] = [];
  for (let i = 0; i < 60_000; i += 1) {
    const id = `img${String(i).padStart(6, '0')}`;
    if (i % 9973 === 5) {
      lines.push(`${id},/m/x,extra`);
      malformedLines.push(i + 2); // header is line 1
    } else if (i % 7919 === 3) {
      lines.push(`,/m/x`);
      malformedLines.push(i + 2);
    } else if (i % 3 === 0) lines.push(`${id},"/m/q,""${i % 10}"" ü ${'x'.repeat(i % 90)}"`);
    else lines.push(`${id},/m/${(i % 97).toString(36)}`);
  }
  return { lines, malformedLines };
}

async function duckDbLoad(dir: string) {
  const report = await ingestIntoDuckDb(connection, detectDatasetLayout(dir));
  const rows = (await connection.runAndReadAll('SELECT ImageId, Label FROM image_labels')).getRowsJS().map((r) => `${r[0]}\t${r[1]}`);
  return {
    rows: rows.sort(),
    rejectedLines: report.rejected
      .filter((r) => r.file.endsWith('image_labels.csv'))
      .map((r) => r.line)
      .sort((a, b) => a - b),
  };
}

async function jsLoad(dir: string) {
  const layout = detectDatasetLayout(dir);
  const rows = new Set<string>();
  const rejectedLines: number[] = [];
  for await (const row of readSourceRows('imageLabels', layout.imageLabels!)) {
    if ('values' in row) rows.add(row.values.join('\t'));
    else rejectedLines.push(row.rejected.line);
  }
  return { rows: [...rows].sort(), rejectedLines: rejectedLines.sort((a, b) => a - b) };
}

test.each([
  ['LF', '\n'],
  ['CRLF', '\r\n'],
])('%s line ends: same rows loaded, same lines rejected', async (name, lineEnd) => {
  const { lines, malformedLines } = labelLines();
  const dir = writeDataset(name, lines, lineEnd);
  expect(fs.statSync(path.join(dir, 'image_labels.csv')).size).toBeGreaterThan(1.5 * 1024 * 1024); // at least two of the JS reader's chunks
  const duck = await duckDbLoad(dir);
  const js = await jsLoad(dir);
  expect(js.rejectedLines).toEqual(malformedLines);
  expect(duck.rejectedLines).toEqual(malformedLines);
  expect(js.rows).toHaveLength(60_000 - malformedLines.length);
  expect(js.rows).toEqual(duck.rows);
});

test('values with line breaks inside quotes load alike', async () => {
  const lines = Array.from({ length: 2000 }, (_, i) => (i % 5 === 0 ? `img${i},"/m/multi\nline ${i}"` : `img${i},/m/${i % 7}`));
  const dir = writeDataset('multiline', lines, '\n');
  const duck = await duckDbLoad(dir);
  const js = await jsLoad(dir);
  expect(js.rejectedLines).toEqual([]);
  expect(duck.rejectedLines).toEqual([]);
  expect(js.rows).toEqual(duck.rows);
  expect(js.rows).toContain('img5\t/m/multi\nline 5');
});
