import { BIGINT, DOUBLE, DuckDBInstance, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { bindParameters, InvalidParameterError, type QueryParameter } from './parameterBinding';
import { quoteIdentifier, schemaOfDataset, translateStandardSql, UnsupportedSqlError } from './sqlTranslation';
import { toResultTable, type ResultTable, type TableFieldSchema } from './wireFormat';

/**
 * The fake's storage: BigQuery datasets as DuckDB schemas named `project.dataset`, tables as DuckDB
 * tables. Statements run one at a time, as on one DuckDB connection they must.
 */

/** A failure that the HTTP layer answers with BigQuery's error body. */
export class BigQueryApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StatementResult {
  /** Rows and schema of a SELECT; undefined for DDL and DML. */
  table?: ResultTable;
  statementType: string;
}

export type WriteDisposition = 'WRITE_TRUNCATE' | 'WRITE_APPEND' | 'WRITE_EMPTY';

const columnTypes: Record<string, string> = {
  STRING: 'VARCHAR',
  INTEGER: 'BIGINT',
  INT64: 'BIGINT',
  FLOAT: 'DOUBLE',
  FLOAT64: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
};

const fieldTypes: Record<string, string> = { VARCHAR: 'STRING', BIGINT: 'INTEGER', DOUBLE: 'FLOAT', BOOLEAN: 'BOOLEAN' };

export class FakeWarehouse {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<FakeWarehouse> {
    const instance = await DuckDBInstance.create(':memory:');
    return new FakeWarehouse(instance, await instance.connect());
  }

  /** Runs one Standard SQL statement with its named parameters. */
  async query(sql: string, parameters: QueryParameter[] | undefined, parameterMode: string | undefined, project: string): Promise<StatementResult> {
    let translated: string;
    let bound: ReturnType<typeof bindParameters>;
    try {
      translated = translateStandardSql(sql, project);
      bound = bindParameters(parameters, parameterMode);
    } catch (error) {
      if (error instanceof UnsupportedSqlError || error instanceof InvalidParameterError) {
        throw new BigQueryApiError(400, 'invalidQuery', error.message);
      }
      throw error;
    }
    const statementType = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT';
    const returnsRows = statementType === 'SELECT' || statementType === 'WITH';
    const reader = await this.serialized(() =>
      this.connection.runAndReadAll(translated, bound.values, bound.types).catch((error: unknown) => {
        throw asApiError(error);
      }),
    );
    return { table: returnsRows ? toResultTable(reader) : undefined, statementType: returnsRows ? 'SELECT' : statementType };
  }

  async datasetExists(project: string, dataset: string): Promise<boolean> {
    const reader = await this.read(`SELECT COUNT(*) AS n FROM duckdb_schemas() WHERE schema_name = $name`, { name: schemaOfDataset(project, dataset) });
    return Number(reader.getRowObjectsJS()[0].n) > 0;
  }

  async createDataset(project: string, dataset: string): Promise<void> {
    if (await this.datasetExists(project, dataset)) throw new BigQueryApiError(409, 'duplicate', `Already Exists: Dataset ${project}:${dataset}`);
    await this.serialized(() => this.connection.run(`CREATE SCHEMA ${quoteIdentifier(schemaOfDataset(project, dataset))}`));
  }

  /** The table's schema and row count, or undefined when it does not exist. */
  async describeTable(project: string, dataset: string, table: string): Promise<{ fields: TableFieldSchema[]; numRows: number } | undefined> {
    const reader = await this.read(
      `SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM duckdb_columns()
       WHERE schema_name = $schema AND table_name = $table ORDER BY column_index`,
      { schema: schemaOfDataset(project, dataset), table },
    );
    const columns = reader.getRowObjectsJS();
    if (columns.length === 0) return undefined;
    const fields = columns.map((c) => {
      const repeated = String(c.type).endsWith('[]');
      return {
        name: String(c.name),
        type: fieldTypes[String(c.type).replace(/\[\]$/, '')] ?? 'STRING',
        mode: repeated ? ('REPEATED' as const) : c.nullable ? ('NULLABLE' as const) : ('REQUIRED' as const),
      };
    });
    const count = await this.read(`SELECT COUNT(*) AS n FROM ${this.tableName(project, dataset, table)}`);
    return { fields, numRows: Number(count.getRowObjectsJS()[0].n) };
  }

  async createTable(project: string, dataset: string, table: string, fields: TableFieldSchema[]): Promise<void> {
    if (!(await this.datasetExists(project, dataset))) throw new BigQueryApiError(404, 'notFound', `Not found: Dataset ${project}:${dataset}`);
    if (await this.describeTable(project, dataset, table)) throw new BigQueryApiError(409, 'duplicate', `Already Exists: Table ${project}:${dataset}.${table}`);
    if (fields.length === 0) throw new BigQueryApiError(400, 'invalid', 'A table needs at least one field');
    const columns = fields.map((f) => {
      const type = columnTypes[f.type.toUpperCase()];
      if (!type) throw new BigQueryApiError(400, 'invalid', `Unsupported field type in the fake: ${f.type}`);
      if (f.mode === 'REPEATED') return `${quoteIdentifier(f.name)} ${type}[]`;
      return `${quoteIdentifier(f.name)} ${type}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`;
    });
    await this.serialized(() => this.connection.run(`CREATE TABLE ${this.tableName(project, dataset, table)} (${columns.join(', ')})`));
  }

  async deleteTable(project: string, dataset: string, table: string): Promise<void> {
    if (!(await this.describeTable(project, dataset, table))) throw new BigQueryApiError(404, 'notFound', `Not found: Table ${project}:${dataset}.${table}`);
    await this.serialized(() => this.connection.run(`DROP TABLE ${this.tableName(project, dataset, table)}`));
  }

  /** Appends (or replaces with) JSON rows, checked against the table's schema as a load job does. */
  async loadRows(project: string, dataset: string, table: string, rows: Array<Record<string, unknown>>, disposition: WriteDisposition): Promise<number> {
    const described = await this.describeTable(project, dataset, table);
    if (!described) throw new BigQueryApiError(404, 'notFound', `Not found: Table ${project}:${dataset}.${table}`);
    if (disposition === 'WRITE_EMPTY' && described.numRows > 0) throw new BigQueryApiError(409, 'duplicate', `Table ${table} is not empty`);
    const known = new Set(described.fields.map((f) => f.name));
    rows.forEach((row, index) => {
      for (const key of Object.keys(row)) {
        if (!known.has(key))
          throw new BigQueryApiError(400, 'invalid', `Error while reading data, error message: JSON parsing error in row starting at position ${index}: No such field: ${key}.`);
      }
      for (const field of described.fields) {
        const value = row[field.name];
        if (field.mode === 'REQUIRED' && (value === null || value === undefined)) {
          throw new BigQueryApiError(400, 'invalid', `Error while reading data, error message: JSON table encountered too many errors. Missing required field: ${field.name}.`);
        }
      }
    });
    await this.serialized(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        if (disposition === 'WRITE_TRUNCATE') await this.connection.run(`DELETE FROM ${this.tableName(project, dataset, table)}`);
        const appender = await this.connection.createAppender(table, schemaOfDataset(project, dataset));
        for (const row of rows) {
          for (const field of described.fields) {
            const value = row[field.name];
            if (value === null || value === undefined) appender.appendNull();
            else if (field.mode === 'REPEATED') appender.appendList(listValue((value as unknown[]).map(repeatedElement(field.type))), LIST(repeatedType(field.type)));
            else if (field.type === 'INTEGER') appender.appendBigInt(BigInt(value as string | number));
            else if (field.type === 'FLOAT') appender.appendDouble(Number(value));
            else if (field.type === 'BOOLEAN') appender.appendBoolean(value === true || value === 'true');
            else appender.appendVarchar(String(value));
          }
          appender.endRow();
        }
        appender.closeSync();
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw asApiError(error);
      }
    });
    return rows.length;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private tableName(project: string, dataset: string, table: string): string {
    return `${quoteIdentifier(schemaOfDataset(project, dataset))}.${quoteIdentifier(table)}`;
  }

  private read(sql: string, values: Record<string, string> = {}): Promise<DuckDBResultReader> {
    return this.serialized(() => this.connection.runAndReadAll(sql, values));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** REPEATED fields (ARRAY<FLOAT64>, the embeddings) arrive as JSON arrays. */
const repeatedType = (type: string) => (type === 'FLOAT' ? DOUBLE : type === 'INTEGER' ? BIGINT : VARCHAR);
const repeatedElement = (type: string) => (value: unknown) => (type === 'FLOAT' ? Number(value) : type === 'INTEGER' ? BigInt(value as string) : String(value));

/** DuckDB's error, worded and classified the way BigQuery would answer it. */
function asApiError(error: unknown): BigQueryApiError {
  if (error instanceof BigQueryApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const missing = /Catalog Error: (Table|Schema) with name "?([^"\s]+)"? does not exist/i.exec(message);
  if (missing) return new BigQueryApiError(404, 'notFound', `Not found: ${missing[1] === 'Schema' ? 'Dataset' : 'Table'} ${missing[2]}`);
  return new BigQueryApiError(400, 'invalidQuery', message.split('\n')[0]);
}
