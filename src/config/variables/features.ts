import { ConfigError, credentialsFile, endpoint, existing, text } from '../parsers';
import { parseRemoteSources, type RemoteSourcePolicy } from '../remoteSources';
import { computed, integerVariable, optionalVariable, unset, variable } from '../spec';

/** Cloud Vision label detection. */
export const VISION = {
  apiEndpoint: optionalVariable(
    'VISION_API_ENDPOINT',
    '(unset: Google, with Application Default Credentials)',
    '`host:port` of a plaintext gRPC Vision endpoint (emulators, tests); no credentials are sent.',
    endpoint,
  ),
  credentialsFile: optionalVariable(
    'GOOGLE_APPLICATION_CREDENTIALS',
    '(unset: gcloud login, or the metadata server on Google Cloud)',
    'Service account key file (JSON) for Cloud Vision and BigQuery; must exist when set.',
    credentialsFile,
  ),
  timeoutMs: integerVariable(
    'VISION_TIMEOUT_MS',
    30000,
    'Deadline for one BatchAnnotateImages call; also bounds the search for Application Default Credentials (at most 10 s).',
    1,
  ),
};

/** similarImages: the embeddings file and its index, or the BigQuery table loaded from it. */
export const EMBEDDINGS = {
  embeddingsFile: optionalVariable('EMBEDDINGS', '(unset)', 'Parquet file written by `npm run embed`, served by `similarImages`.', (env, name) =>
    existing(env, name, 'file', 'a Parquet file written by `npm run embed`'),
  ),
  embeddingsIndexMinRows: integerVariable(
    'EMBEDDINGS_INDEX_MIN_ROWS',
    10000,
    'From this many rows on, `similarImages` searches an HNSW index (built once, kept beside the file as `<file>.usearch`); below it, every row is scored.',
    1,
  ),
  bigqueryEmbeddingsTable: variable(
    'BIGQUERY_EMBEDDINGS_TABLE',
    unset(),
    'With `STORE=bigquery`: table of `BIGQUERY_DATASET` holding the `EMBEDDINGS` rows (loaded from the same Parquet); `similarImages` then searches it with `VECTOR_SEARCH`, and reads only the backbone and PCA from the file.',
    (env, name): string | undefined => {
      const table = text(env, name);
      if (table !== undefined && !/^[A-Za-z0-9_]{1,1024}$/.test(table)) throw new ConfigError(`${name} must be a table id (letters, digits, underscores)`);
      return table;
    },
  ),
};

/** trainModel: where its data may come from, its cache and its queue. */
export const TRAINING = {
  dataRoot: optionalVariable(
    'TRAINING_DATA_ROOT',
    '(unset: trainModel refused)',
    'Folder under which `trainModel` may read training data; every file read must lie inside it once symbolic links are resolved.',
    (env, name) => existing(env, name, 'directory', 'the folder trainModel may read training data from'),
  ),
  remoteSources: variable<RemoteSourcePolicy>(
    'TRAINING_REMOTE_SOURCES',
    computed('(unset: local rows only)', () => ({ https: [], http: [], buckets: [] })),
    'Comma-separated remote sources `trainModel` CSV rows may name: `host` or `https://host[:port]` (https), `http://host[:port]` (plain http, only when written so), `gs://bucket`. Exact hosts, no wildcards; addresses that are not public (loopback, private, link-local...) are refused even when listed.',
    (env, name) => {
      try {
        return parseRemoteSources(text(env, name));
      } catch (error) {
        throw new ConfigError(`${name} must list hosts or buckets separated by commas: ${(error as Error).message}`);
      }
    },
  ),
  cacheMaxBytes: integerVariable(
    'TRAINING_CACHE_MAX_BYTES',
    1024 ** 3,
    'Bytes the training embedding cache (`MODELS_DIR/.embedding-cache`) may hold; past it, the least recently used entries are removed.',
    1,
  ),
  queueMax: integerVariable('TRAINING_QUEUE_MAX', 4, 'Training jobs queued or running at once over all callers; more are refused at once with 503 `OVERLOADED`.', 1),
  queueMaxPerCaller: integerVariable('TRAINING_QUEUE_MAX_PER_CALLER', 2, 'Training jobs queued or running at once per caller; more are refused with 429 `RATE_LIMITED`.', 1),
  jobTimeoutSeconds: integerVariable('TRAINING_JOB_TIMEOUT_S', 3600, 'A training job still running after this many seconds is stopped and FAILED (`TRAINING_TIMEOUT`).', 1),
};
