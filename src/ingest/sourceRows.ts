import type { SourceFiles } from './datasetLayout';
import { readCsvRecords } from './csvRecords';
import { shortText, type RejectedRow } from './ingestReport';
import { checkHeader, sourceSpec, TABLE_COLUMNS, type TableKind } from './sourceFormats';

/**
 * The rows a table gets from its source files, validated record by record against the source format:
 * column count, numbers that parse, required values present. Refused records come out as rejects
 * with file and line; records the format filters out (official labels with Confidence 0) do not.
 */

export type SourceRow = { values: string[] } | { rejected: RejectedRow };

export interface SourceReadOptions {
  /** Bytes read so far over all files of this table. */
  onBytes?: (bytesRead: number) => void;
}

export async function* readSourceRows(kind: TableKind, files: SourceFiles, options: SourceReadOptions = {}): AsyncGenerator<SourceRow> {
  const spec = sourceSpec(kind, files.format);
  const positions = spec.columns.map((c) => c.name);
  const selected = TABLE_COLUMNS[kind].map((column) => positions.indexOf(spec.select[column]));
  const required = spec.required.map((name) => positions.indexOf(name));
  const numeric = spec.columns.flatMap((c, i) => (c.type === 'DOUBLE' ? [i] : []));
  const keep = spec.keepWhere && { index: positions.indexOf(spec.keepWhere.column), equals: spec.keepWhere.equals };
  let bytesBefore = 0;

  for (const file of files.paths) {
    let first = true;
    let fileBytes = 0;
    for await (const record of readCsvRecords(file, { onBytes: (n) => options.onBytes?.(bytesBefore + (fileBytes = n)) })) {
      const reject = (error: string, text: string): SourceRow => ({ rejected: { file, line: record.line, error, text: shortText(text) } });
      if ('error' in record) {
        yield reject(record.error, record.text);
        continue;
      }
      if (first) {
        first = false;
        if (checkHeader(file, record.fields, kind, files.format)) continue;
      }
      const { fields } = record;
      const text = fields.join(',');
      if (fields.length !== positions.length) {
        const problem = fields.length > positions.length ? 'TOO MANY COLUMNS' : 'MISSING COLUMNS';
        yield reject(`${problem}: expected ${positions.length} columns, found ${fields.length}`, text);
        continue;
      }
      const notNumber = numeric.find((i) => fields[i].trim() !== '' && !Number.isFinite(Number(fields[i])));
      if (notNumber !== undefined) {
        yield reject(`CAST: ${positions[notNumber]} "${fields[notNumber]}" is not a number`, text);
        continue;
      }
      const missing = required.filter((i) => fields[i].trim() === '');
      if (missing.length > 0) {
        yield reject(`MISSING VALUE: empty ${missing.map((i) => positions[i]).join(', ')}`, text);
        continue;
      }
      if (keep && Number(fields[keep.index]) !== keep.equals) continue;
      yield { values: selected.map((i) => fields[i]) };
    }
    bytesBefore += fileBytes;
  }
}

/** Whether a source file begins with its header line (checked against the format). */
export async function hasHeader(file: string, kind: TableKind, files: SourceFiles): Promise<boolean> {
  for await (const record of readCsvRecords(file)) {
    return 'fields' in record ? checkHeader(file, record.fields, kind, files.format) : true;
  }
  return true;
}
