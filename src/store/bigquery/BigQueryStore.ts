import type { BigQuery } from '@google-cloud/bigquery';
import type { GatewayConfig } from '../../config';
import { logger } from '../../logger';
import type { GatewayMetrics } from '../../metrics';
import { bigQueryDialect, type SqlDialect, type SqlQuery } from '../queries';
import { SqlMetadataStore, type Row } from '../SqlMetadataStore';
import { createBigQueryClient, resolveDataset, settingsFromConfig, type BigQuerySettings, type DatasetReference } from './bigQueryConnection';
import { toNamedParameters } from './namedParameters';
import { QueryJobRunner } from './QueryJobRunner';
import { retryWithinDeadline, type RetryPolicy } from './retryWithinDeadline';

export interface BigQueryStoreOptions {
  metrics?: GatewayMetrics;
  /** Backoff before the first retry (doubles each retry, with jitter); default 200 ms. */
  baseRetryDelayMs?: number;
  /** Longest backoff; default 5 s. */
  maxRetryDelayMs?: number;
}

/**
 * The metadata store over BigQuery: the shared SQL (`queries.ts`) in Standard SQL with named
 * parameters. Every query runs within one deadline (`BIGQUERY_TIMEOUT_MS`) and is retried on
 * transient failures (5xx, rate limits, backend errors) up to `BIGQUERY_MAX_RETRIES` times; the
 * base class turns failures into BACKEND_ERROR / BACKEND_TIMEOUT.
 */
export class BigQueryStore extends SqlMetadataStore {
  readonly backend = 'bigquery';
  protected readonly dialect: SqlDialect;
  private readonly runner: QueryJobRunner;
  private readonly policy: RetryPolicy;
  private closed = false;

  private constructor(
    readonly dataset: DatasetReference,
    client: BigQuery,
    settings: BigQuerySettings,
    options: BigQueryStoreOptions,
  ) {
    super(options.metrics);
    this.dialect = bigQueryDialect(dataset.qualified);
    this.runner = new QueryJobRunner(client, settings.location);
    this.policy = {
      maxRetries: settings.maxRetries,
      deadlineMs: settings.timeoutMs,
      baseDelayMs: options.baseRetryDelayMs ?? 200,
      maxDelayMs: options.maxRetryDelayMs ?? 5000,
    };
  }

  /** The store the gateway configuration describes (`BIGQUERY_*`). */
  static async create(config: GatewayConfig, metrics?: GatewayMetrics): Promise<BigQueryStore> {
    return BigQueryStore.connect(settingsFromConfig(config), { metrics });
  }

  static connect(settings: BigQuerySettings, options: BigQueryStoreOptions = {}): BigQueryStore {
    const dataset = resolveDataset(settings.dataset, settings.project);
    return new BigQueryStore(dataset, createBigQueryClient(settings), settings, options);
  }

  /** Every store query is a read, so each may be retried as a whole. */
  protected async execute(query: SqlQuery, name: string): Promise<Row[]> {
    if (this.closed) throw new Error('The BigQuery store is closed');
    const parameters = toNamedParameters(query.params);
    return retryWithinDeadline(
      (deadline) => this.runner.run(query.sql, parameters, deadline),
      this.policy,
      ({ attempt, delayMs, error }) => logger.warn({ backend: this.backend, query: name, attempt, delayMs, reason: error.message }, 'bigquery query retried'),
    );
  }

  /** A trivial query: proves credentials, endpoint and project (not the tables). */
  async ping(): Promise<void> {
    await this.execute({ sql: 'SELECT 1 AS ok', params: {} }, 'ping');
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
