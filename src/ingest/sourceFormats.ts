import type { SourceFormat } from './datasetLayout';

/**
 * What each source file holds, per table and layout: its columns in file order, which become the
 * table's columns, which must not be empty, and which rows are kept. Both loaders (DuckDB's CSV
 * reader and the JS reader that feeds BigQuery) follow these, so they accept and reject the same rows.
 */

export type TableKind = 'classes' | 'imageLabels' | 'relations';

export const TABLE_NAME: Record<TableKind, 'classes' | 'image_labels' | 'relations'> = {
  classes: 'classes',
  imageLabels: 'image_labels',
  relations: 'relations',
};

/** The loaded tables' columns, in order (all strings). */
export const TABLE_COLUMNS: Record<TableKind, string[]> = {
  classes: ['Label', 'Description'],
  imageLabels: ['ImageId', 'Label'],
  relations: ['ImageId', 'Label1', 'Relation', 'Label2'],
};

export type SourceColumnType = 'VARCHAR' | 'DOUBLE';

export interface SourceSpec {
  /** The file's columns in order, with the type each value must parse as. */
  columns: Array<{ name: string; type: SourceColumnType }>;
  /** Table column -> source column. */
  select: Record<string, string>;
  /** Source columns that must hold a value (not empty, not only spaces). */
  required: string[];
  /** Only rows whose numeric column equals the value are loaded (the others are valid, not malformed). */
  keepWhere?: { column: string; equals: number };
}

const text = (...names: string[]) => names.map((name) => ({ name, type: 'VARCHAR' as const }));
const BOX = ['XMin1', 'XMax1', 'YMin1', 'YMax1', 'XMin2', 'XMax2', 'YMin2', 'YMax2'].map((name) => ({ name, type: 'DOUBLE' as const }));

const SPECS: Record<SourceFormat, Record<TableKind, SourceSpec>> = {
  gateway: {
    classes: { columns: text('Label', 'Description'), select: { Label: 'Label', Description: 'Description' }, required: ['Label', 'Description'] },
    imageLabels: { columns: text('ImageId', 'Label'), select: { ImageId: 'ImageId', Label: 'Label' }, required: ['ImageId', 'Label'] },
    relations: {
      columns: text('ImageId', 'Label1', 'Relation', 'Label2'),
      select: { ImageId: 'ImageId', Label1: 'Label1', Relation: 'Relation', Label2: 'Label2' },
      required: ['ImageId', 'Label1', 'Relation', 'Label2'],
    },
  },
  official: {
    classes: { columns: text('LabelName', 'DisplayName'), select: { Label: 'LabelName', Description: 'DisplayName' }, required: ['LabelName', 'DisplayName'] },
    // Human-verified labels: Confidence 1 says the class is present, 0 that it was checked and absent.
    imageLabels: {
      columns: [...text('ImageID', 'Source', 'LabelName'), { name: 'Confidence', type: 'DOUBLE' }],
      select: { ImageId: 'ImageID', Label: 'LabelName' },
      required: ['ImageID', 'LabelName', 'Confidence'],
      keepWhere: { column: 'Confidence', equals: 1 },
    },
    relations: {
      columns: [...text('ImageID', 'LabelName1', 'LabelName2'), ...BOX, ...text('RelationshipLabel')],
      select: { ImageId: 'ImageID', Label1: 'LabelName1', Relation: 'RelationshipLabel', Label2: 'LabelName2' },
      required: ['ImageID', 'LabelName1', 'LabelName2', 'RelationshipLabel'],
    },
  },
};

export function sourceSpec(kind: TableKind, format: SourceFormat): SourceSpec {
  return SPECS[format][kind];
}

export class SourceHeaderError extends Error {
  override name = 'SourceHeaderError';
}

/**
 * Whether the file starts with the spec's header. Older official class lists have none; any other
 * first line that is not the expected header is refused, since columns would be silently mismatched.
 */
export function checkHeader(file: string, firstRecord: string[], kind: TableKind, format: SourceFormat): boolean {
  const expected = sourceSpec(kind, format).columns.map((c) => c.name);
  const found = firstRecord.map((f) => f.trim());
  const matches = found.length === expected.length && found.every((name, i) => name.toLowerCase() === expected[i].toLowerCase());
  if (matches) return true;
  if (kind === 'classes' && format === 'official' && found.length === 2 && /^\/[mg]\//.test(found[0])) return false;
  throw new SourceHeaderError(`Unexpected header in ${file}: expected "${expected.join(',')}", found "${found.join(',')}"`);
}
