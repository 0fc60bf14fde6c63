import { DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDBResultReader, DuckDBType } from '@duckdb/node-api';

/** The JSON shapes BigQuery REST v2 sends: schema fields, `{f:[{v}]}` rows, error bodies. */

export interface TableFieldSchema {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
}

export interface WireCell {
  v: unknown;
}

export interface WireRow {
  f: WireCell[];
}

export interface ResultTable {
  fields: TableFieldSchema[];
  rows: WireRow[];
}

const integerTypes = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
]);
const floatTypes = new Set([DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL]);

/** The legacy type names BigQuery uses in `schema.fields` of query results. */
function bigQueryType(type: DuckDBType): string {
  if (integerTypes.has(type.typeId)) return 'INTEGER';
  if (floatTypes.has(type.typeId)) return 'FLOAT';
  if (type.typeId === DuckDBTypeId.BOOLEAN) return 'BOOLEAN';
  if (type.typeId === DuckDBTypeId.LIST) return bigQueryType(type.valueType);
  return 'STRING';
}

/** Every scalar is a string on the wire (INT64 included, so that no precision is lost in JSON). */
function cell(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => ({ v: cell(v) }));
  return String(value);
}

export function toResultTable(reader: DuckDBResultReader): ResultTable {
  const types = reader.columnTypes();
  const fields = reader.columnNames().map((name, i) => ({
    name,
    type: bigQueryType(types[i]),
    mode: types[i].typeId === DuckDBTypeId.LIST ? ('REPEATED' as const) : ('NULLABLE' as const),
  }));
  const rows = reader.getRowsJS().map((row) => ({ f: row.map((value) => ({ v: cell(value) })) }));
  return { fields, rows };
}

export interface ErrorBody {
  error: { code: number; message: string; status: string; errors: Array<{ message: string; domain: string; reason: string; location?: string }> };
}

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export function errorBody(code: number, reason: string, message: string): ErrorBody {
  return { error: { code, message, status: statusNames[code] ?? 'UNKNOWN', errors: [{ message, domain: 'global', reason }] } };
}
