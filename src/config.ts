import os from 'node:os';

/**
 * Every environment variable the gateway reads, parsed and validated once.
 * The README's configuration table mirrors `CONFIG_VARIABLES` below; a test keeps them in step.
 */
export interface GatewayConfig {
  port: number;
  host: string;
  production: boolean;
  logLevel: string;

  store: 'duckdb' | 'bigquery';
  dataDir?: string;
  duckdbPath?: string;
  bigquery: {
    project?: string;
    dataset?: string;
    apiEndpoint?: string;
    location?: string;
    timeoutMs: number;
    maxRetries: number;
  };
  imageUrlTemplate: string;

  maxQueryDepth: number;
  maxQueryCost: number;

  maxUploadBytes: number;
  maxUploadFiles: number;
  maxImagePixels: number;

  modelDir?: string;
  modelsDir: string;
  inference: {
    workers: number;
    maxBatch: number;
    maxWaitMs: number;
    queueLimit: number;
  };

  vision: {
    apiEndpoint?: string;
    timeoutMs: number;
  };

  embeddingsFile?: string;
  embeddingsIndexMinRows: number;
  /** With STORE=bigquery: the embeddings table in BIGQUERY_DATASET that similarImages searches with VECTOR_SEARCH. */
  bigqueryEmbeddingsTable?: string;
  trainingDataRoot?: string;
  shutdownGraceMs: number;
}

export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
}

/** The documented variables, in README order. */
export const CONFIG_VARIABLES: ConfigVariable[] = [
  { name: 'PORT', default: '4000', description: 'HTTP port; GraphQL is served at `/graphql`.' },
  { name: 'HOST', default: '0.0.0.0', description: 'Interface to listen on.' },
  { name: 'NODE_ENV', default: 'development', description: '`production` masks internal error details and disables introspection-only helpers.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.' },
  { name: 'STORE', default: 'duckdb', description: 'Metadata backend: `duckdb` (embedded) or `bigquery`.' },
  { name: 'DATA_DIR', default: '(unset: built-in demo data)', description: 'Folder with `classes.csv`, `image_labels.csv`, `relations.csv` (or the official Open Images file names) loaded into DuckDB at start.' },
  { name: 'DUCKDB_PATH', default: '(unset: in memory)', description: 'DuckDB database file; when it already holds the tables, restarts skip the load.' },
  { name: 'BIGQUERY_PROJECT', default: '(none)', description: 'Project that runs (and is billed for) the query jobs.' },
  { name: 'BIGQUERY_DATASET', default: '(none)', description: 'Dataset holding the tables, `project.dataset` or `dataset`.' },
  { name: 'BIGQUERY_API_ENDPOINT', default: '(Google)', description: 'Base URL of a BigQuery-compatible REST endpoint (emulators, tests), e.g. `http://127.0.0.1:9050`.' },
  { name: 'BIGQUERY_LOCATION', default: '(dataset default)', description: 'Job location, e.g. `US` or `EU`.' },
  { name: 'BIGQUERY_TIMEOUT_MS', default: '20000', description: 'Deadline for one store query, retries included.' },
  { name: 'BIGQUERY_MAX_RETRIES', default: '3', description: 'Retries of a failed read query (5xx, rate limits) with exponential backoff.' },
  { name: 'IMAGE_URL_TEMPLATE', default: 'https://storage.googleapis.com/bdcc_open_images_dataset/images/{id}.jpg', description: '`Image.url`; `{id}` is replaced by the image id.' },
  { name: 'MAX_QUERY_DEPTH', default: '12', description: 'Deepest selection a query may have.' },
  { name: 'MAX_QUERY_COST', default: '50000', description: 'Highest estimated cost (list fields multiply by `first`) a query may have.' },
  { name: 'MAX_UPLOAD_BYTES', default: '10485760', description: 'Largest uploaded file, in bytes.' },
  { name: 'MAX_UPLOAD_FILES', default: '16', description: 'Most files in one request.' },
  { name: 'MAX_IMAGE_PIXELS', default: '40000000', description: 'Largest decoded image (width x height), against decompression bombs.' },
  { name: 'MODEL_DIR', default: '(unset: see README)', description: 'TensorFlow.js model folder (`model.json`, shards, `metadata.json` or `labels.txt`) served as the default model.' },
  { name: 'MODELS_DIR', default: './models', description: 'Folder of further model folders (downloads, trained models); each sub-folder is served under its name.' },
  { name: 'INFERENCE_WORKERS', default: 'number of cores', description: 'worker_threads running inference, one TF.js backend each.' },
  { name: 'INFERENCE_MAX_BATCH', default: '8', description: 'Most images one worker predicts at once (micro-batching).' },
  { name: 'INFERENCE_MAX_WAIT_MS', default: '4', description: 'How long a batch waits to fill before it runs.' },
  { name: 'INFERENCE_QUEUE_LIMIT', default: '256', description: 'Images waiting for a worker before new requests get `OVERLOADED`; at least `MAX_UPLOAD_FILES`.' },
  { name: 'VISION_API_ENDPOINT', default: '(unset: Google, with Application Default Credentials)', description: '`host:port` of a plaintext gRPC Vision endpoint (emulators, tests); no credentials are sent.' },
  { name: 'VISION_TIMEOUT_MS', default: '30000', description: 'Deadline for one BatchAnnotateImages call.' },
  { name: 'EMBEDDINGS', default: '(unset)', description: 'Parquet file written by `npm run embed`, served by `similarImages`.' },
  { name: 'EMBEDDINGS_INDEX_MIN_ROWS', default: '10000', description: 'From this many rows on, `similarImages` searches an HNSW index (built once, kept beside the file as `<file>.usearch`); below it, every row is scored.' },
  { name: 'BIGQUERY_EMBEDDINGS_TABLE', default: '(unset)', description: 'With `STORE=bigquery`: table of `BIGQUERY_DATASET` holding the `EMBEDDINGS` rows (loaded from the same Parquet); `similarImages` then searches it with `VECTOR_SEARCH`, and reads only the backbone and PCA from the file.' },
  { name: 'TRAINING_DATA_ROOT', default: '(unset: trainModel refused)', description: 'Folder under which `trainModel` may read training data.' },
  { name: 'SHUTDOWN_GRACE_MS', default: '10000', description: 'On SIGTERM, how long in-flight requests may take before the process exits.' },
];

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function text(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  const store = (text(env, 'STORE') ?? 'duckdb').toLowerCase();
  if (store !== 'duckdb' && store !== 'bigquery') {
    throw new ConfigError(`STORE must be "duckdb" or "bigquery", got "${store}"`);
  }
  const imageUrlTemplate = text(env, 'IMAGE_URL_TEMPLATE') ?? 'https://storage.googleapis.com/bdcc_open_images_dataset/images/{id}.jpg';
  if (!imageUrlTemplate.includes('{id}')) {
    throw new ConfigError('IMAGE_URL_TEMPLATE must contain the placeholder {id}');
  }
  const config: GatewayConfig = {
    port: integer(env, 'PORT', 4000),
    host: text(env, 'HOST') ?? '0.0.0.0',
    production: env.NODE_ENV === 'production',
    logLevel: text(env, 'LOG_LEVEL') ?? 'info',
    store,
    dataDir: text(env, 'DATA_DIR'),
    duckdbPath: text(env, 'DUCKDB_PATH'),
    bigquery: {
      project: text(env, 'BIGQUERY_PROJECT'),
      dataset: text(env, 'BIGQUERY_DATASET'),
      apiEndpoint: text(env, 'BIGQUERY_API_ENDPOINT'),
      location: text(env, 'BIGQUERY_LOCATION'),
      timeoutMs: integer(env, 'BIGQUERY_TIMEOUT_MS', 20000, 1),
      maxRetries: integer(env, 'BIGQUERY_MAX_RETRIES', 3),
    },
    imageUrlTemplate,
    maxQueryDepth: integer(env, 'MAX_QUERY_DEPTH', 12, 1),
    maxQueryCost: integer(env, 'MAX_QUERY_COST', 50000, 1),
    maxUploadBytes: integer(env, 'MAX_UPLOAD_BYTES', 10 * 1024 * 1024, 1),
    maxUploadFiles: integer(env, 'MAX_UPLOAD_FILES', 16, 1),
    maxImagePixels: integer(env, 'MAX_IMAGE_PIXELS', 40_000_000, 1),
    modelDir: text(env, 'MODEL_DIR'),
    modelsDir: text(env, 'MODELS_DIR') ?? 'models',
    inference: {
      workers: integer(env, 'INFERENCE_WORKERS', Math.max(1, os.availableParallelism?.() ?? os.cpus().length), 1),
      maxBatch: integer(env, 'INFERENCE_MAX_BATCH', 8, 1),
      maxWaitMs: integer(env, 'INFERENCE_MAX_WAIT_MS', 4),
      queueLimit: integer(env, 'INFERENCE_QUEUE_LIMIT', 256, 1),
    },
    vision: {
      apiEndpoint: text(env, 'VISION_API_ENDPOINT'),
      timeoutMs: integer(env, 'VISION_TIMEOUT_MS', 30000, 1),
    },
    embeddingsFile: text(env, 'EMBEDDINGS'),
    embeddingsIndexMinRows: integer(env, 'EMBEDDINGS_INDEX_MIN_ROWS', 10000, 1),
    bigqueryEmbeddingsTable: text(env, 'BIGQUERY_EMBEDDINGS_TABLE'),
    trainingDataRoot: text(env, 'TRAINING_DATA_ROOT'),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10000),
  };
  if (config.bigqueryEmbeddingsTable !== undefined) {
    if (!/^[A-Za-z0-9_]{1,1024}$/.test(config.bigqueryEmbeddingsTable)) throw new ConfigError('BIGQUERY_EMBEDDINGS_TABLE must be a table id (letters, digits, underscores)');
    if (config.store !== 'bigquery' || !config.embeddingsFile) throw new ConfigError('BIGQUERY_EMBEDDINGS_TABLE needs STORE=bigquery and EMBEDDINGS (the Parquet file the table was loaded from)');
  }
  if (config.store === 'bigquery' && !config.bigquery.dataset) {
    throw new ConfigError('STORE=bigquery needs BIGQUERY_DATASET (e.g. myproject.openimages)');
  }
  if (config.inference.queueLimit < config.maxUploadFiles) {
    // The queue admits a request's images all at once: a smaller queue would refuse the largest allowed request forever.
    throw new ConfigError(
      `INFERENCE_QUEUE_LIMIT (${config.inference.queueLimit}) must be at least MAX_UPLOAD_FILES (${config.maxUploadFiles}): a request with that many files could never be admitted`,
    );
  }
  return config;
}
