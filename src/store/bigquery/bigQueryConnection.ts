import { BigQuery } from '@google-cloud/bigquery';
import type { GatewayConfig } from '../../config';

/** Where the tables live and how to reach BigQuery; shared by the store and the loader. */
export interface BigQuerySettings {
  /** Project that runs (and is billed for) the jobs; defaults to the dataset's project. */
  project?: string;
  /** `project.dataset` or `dataset`. */
  dataset: string;
  /** Base URL of a BigQuery-compatible endpoint, e.g. `http://127.0.0.1:9050`; unset: Google. */
  apiEndpoint?: string;
  location?: string;
  /** Deadline of one store query, retries included. */
  timeoutMs: number;
  /** Retries of a failed read query. */
  maxRetries: number;
}

export interface DatasetReference {
  projectId: string;
  datasetId: string;
  /** `project.dataset`, as table names in SQL are qualified. */
  qualified: string;
}

export class BigQuerySettingsError extends Error {
  override name = 'BigQuerySettingsError';
}

// Project ids may be domain-scoped (`example.com:my-project`); dataset ids are letters, digits, underscores.
const PROJECT_ID = /^[a-z0-9]([a-z0-9.:-]*[a-z0-9])?$/i;
const DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;

/** `project.dataset` or `dataset` (then in `project`). Validated, because it is written into SQL. */
export function resolveDataset(dataset: string, project?: string): DatasetReference {
  const split = dataset.lastIndexOf('.');
  const projectId = split >= 0 ? dataset.slice(0, split) : project;
  const datasetId = split >= 0 ? dataset.slice(split + 1) : dataset;
  if (!projectId) throw new BigQuerySettingsError(`BIGQUERY_DATASET "${dataset}" names no project: use project.dataset or set BIGQUERY_PROJECT`);
  if (!PROJECT_ID.test(projectId)) throw new BigQuerySettingsError(`Invalid BigQuery project id: "${projectId}"`);
  if (!DATASET_ID.test(datasetId)) throw new BigQuerySettingsError(`Invalid BigQuery dataset id: "${datasetId}"`);
  return { projectId, datasetId, qualified: `${projectId}.${datasetId}` };
}

export function settingsFromConfig(config: GatewayConfig): BigQuerySettings {
  const { project, dataset, apiEndpoint, location, timeoutMs, maxRetries } = config.bigquery;
  if (!dataset) throw new BigQuerySettingsError('BIGQUERY_DATASET is not set');
  return { project, dataset, apiEndpoint, location, timeoutMs, maxRetries };
}

/**
 * The real client. Its own retries are off: the store retries whole read queries within one deadline
 * (see `retryWithinDeadline`), which per-request retries would otherwise multiply and outlast.
 */
export function createBigQueryClient(settings: BigQuerySettings): BigQuery {
  const { projectId } = resolveDataset(settings.dataset, settings.project);
  return new BigQuery({
    projectId: settings.project ?? projectId,
    apiEndpoint: settings.apiEndpoint,
    location: settings.location,
    autoRetry: false,
  });
}
