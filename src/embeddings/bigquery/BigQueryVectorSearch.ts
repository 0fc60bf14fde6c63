import type { QueryParameter } from '@google-cloud/bigquery';
import { ErrorCode, GatewayError } from '../../errors';
import { logger } from '../../logger';
import { createBigQueryClient, resolveDataset, type BigQuerySettings } from '../../store/bigquery/bigQueryConnection';
import { QueryJobRunner } from '../../store/bigquery/QueryJobRunner';
import { retryWithinDeadline, type RetryPolicy } from '../../store/bigquery/retryWithinDeadline';
import type { VectorColumn } from '../embeddingsParquet';
import type { SimilarMatch, VectorSearch } from '../vectorIndex/VectorSearch';
import { vectorSearchSql } from './vectorSearchSql';

/**
 * Nearest images from an embeddings table in BigQuery (for sets beyond one machine): one parameterised
 * VECTOR_SEARCH query per lookup, within the store's deadline and retries.
 */
export class BigQueryVectorSearch implements VectorSearch {
  readonly kind = 'bigquery';
  /** The rows stay in BigQuery. */
  readonly size = 0;
  private readonly runner: QueryJobRunner;
  private readonly policy: RetryPolicy;
  readonly table: string;

  constructor(
    settings: BigQuerySettings,
    tableId: string,
    private readonly column: VectorColumn,
  ) {
    this.table = `${resolveDataset(settings.dataset, settings.project).qualified}.${tableId}`;
    this.runner = new QueryJobRunner(createBigQueryClient(settings), settings.location);
    this.policy = { maxRetries: settings.maxRetries, deadlineMs: settings.timeoutMs, baseDelayMs: 200, maxDelayMs: 5000 };
  }

  async nearest(query: Float32Array, first: number): Promise<SimilarMatch[]> {
    const parameters: QueryParameter[] = [
      {
        name: 'query',
        parameterType: { type: 'ARRAY', arrayType: { type: 'FLOAT64' } },
        parameterValue: { arrayValues: Array.from(query, (value) => ({ value: String(value) })) },
      },
    ];
    const sql = vectorSearchSql(this.table, this.column, first);
    try {
      const rows = await retryWithinDeadline((deadline) => this.runner.run(sql, parameters, deadline), this.policy);
      return rows.map((row) => ({ path: String(row.path), label: row.label === null || row.label === undefined ? null : String(row.label), score: 1 - Number(row.distance) }));
    } catch (error) {
      logger.error({ err: error, table: this.table }, 'BigQuery VECTOR_SEARCH failed');
      const timeout = /timed? ?out|deadline/i.test((error as Error).message);
      throw new GatewayError(
        timeout ? ErrorCode.BackendTimeout : ErrorCode.BackendError,
        timeout ? 'BigQuery did not answer the similarity search in time.' : 'BigQuery failed to answer the similarity search.',
        { backend: 'bigquery' },
        { cause: error },
      );
    }
  }
}
