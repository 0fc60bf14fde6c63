import dns from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCOPES, type Scope } from './auth/caller';
import { parseRemoteSources, type RemoteSourcePolicy } from './training/sources/remoteSources';

/**
 * Every environment variable the gateway reads, parsed and validated once.
 * The README's configuration table mirrors `CONFIG_VARIABLES` below; a test keeps them in step.
 */
export interface GatewayConfig {
  port: number;
  host: string;
  production: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;

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
  maxQueryTokens: number;
  maxQueryAliases: number;
  maxSelectionRepeats: number;
  maxResponseBytes: number;
  /** Introspection and "Did you mean" suggestions: on in development, off in production unless INTROSPECTION=true. */
  introspection: boolean;
  /** Exact origins allowed cross-origin access; empty: none. */
  corsOrigins: string[];
  retryAfterSeconds: number;

  http: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    bodyIdleTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
  };
  uploadMemoryBudgetBytes: number;
  decode: {
    concurrency: number;
    pixelBudget: number;
    /** Images waiting for the gate; more are refused with OVERLOADED at once. */
    queueLimit: number;
  };
  /** Open GraphQL-over-SSE subscription streams at once; more are refused with OVERLOADED. */
  maxSubscriptionStreams: number;
  /** Open streams one caller may hold; more are refused with 429 RATE_LIMITED. */
  maxSubscriptionStreamsPerCaller: number;
  /** A stream ends (with STREAM_LIFETIME_EXCEEDED) after this many seconds. */
  subscriptionMaxLifetimeS: number;
  /** Host header values served (`name`, `name:port`, `*.domain`); empty: any host. */
  allowedHosts: string[];
  /** In production, /metrics on the main port asks for `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** A second listener (same HOST) serving only /metrics. */
  metricsPort?: number;

  maxUploadBytes: number;
  maxUploadFiles: number;
  maxImagePixels: number;

  modelDir?: string;
  /** Serve the model shipped in default-model/ when MODEL_DIR is unset ('shipped'), or no default ('none'). */
  defaultModel: 'shipped' | 'none';
  modelsDir: string;
  inference: {
    workers: number;
    maxBatch: number;
    maxWaitMs: number;
    queueLimit: number;
  };
  /** Which runtime serves models: ONNX Runtime whenever a model has an ONNX form ('auto'), only ONNX ('onnx'), or TF.js for TF.js folders ('tfjs'). */
  inferenceRuntime: 'auto' | 'onnx' | 'tfjs';
  /** ONNX Runtime intra-op threads per session; each inference worker holds its own sessions. */
  onnxThreads: number;

  vision: {
    apiEndpoint?: string;
    timeoutMs: number;
    /** GOOGLE_APPLICATION_CREDENTIALS, checked to be a readable JSON key file (the Google clients read it themselves). */
    credentialsFile?: string;
  };

  embeddingsFile?: string;
  embeddingsIndexMinRows: number;
  /** With STORE=bigquery: the embeddings table in BIGQUERY_DATASET that similarImages searches with VECTOR_SEARCH. */
  bigqueryEmbeddingsTable?: string;
  trainingDataRoot?: string;
  /** Bytes the training embedding cache may hold; least recently used files are removed past it. */
  trainingCacheMaxBytes: number;
  /** Trained models unused this long are unloaded from the workers (0: never); the default model never is. */
  modelIdleUnloadS: number;
  /** Hosts and buckets that trainModel CSV rows may name; empty lists: local rows only. */
  trainingRemoteSources: RemoteSourcePolicy;
  shutdownGraceMs: number;

  /** Who may call what: identities (JWT, API keys) and what anonymous callers may do. */
  auth: AuthConfig;
  /** Per-caller limits on the costly operations; 0 turns one off. */
  rateLimits: RateLimitConfig;
  training: {
    /** Jobs queued or running at once over all callers. */
    queueMax: number;
    /** Jobs queued or running at once per caller. */
    queueMaxPerCaller: number;
    /** A job still running after this long is stopped and FAILED. */
    jobTimeoutSeconds: number;
  };
  /** express's `trust proxy`: how many proxies in front may set X-Forwarded-For (0: none). */
  trustProxyHops: number;
}

export interface AuthConfig {
  jwksUrl?: string;
  jwksFile?: string;
  /** Accepted `iss` values. */
  issuers: string[];
  /** Accepted `aud` values (any one). */
  audiences: string[];
  clockToleranceSeconds: number;
  /** Signature algorithms accepted: asymmetric ones only. */
  algorithms: string[];
  /** Scopes named `<prefix><scope>` in tokens (e.g. `gateway:train`); empty: the plain names. */
  scopePrefix: string;
  apiKeysFile?: string;
  /** What a request without credentials may do. */
  anonymousScopes: Scope[];
}

export interface RateLimitConfig {
  /** Images classified per caller per minute. */
  classifyPerMinute: number;
  /** Images sent to Cloud Vision per caller per minute. */
  labelDetectionPerMinute: number;
  /** similarImages queries per caller per minute. */
  similarImagesPerMinute: number;
  /** trainModel calls per caller per hour. */
  trainModelPerHour: number;
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
  {
    name: 'ALLOWED_HOSTS',
    default: '(unset: any host)',
    description:
      'Comma-separated host names the `Host` header may carry (`api.example.com`, `api.example.com:8443`, `*.example.com` for any subdomain); others get 421 `MISDIRECTED_REQUEST` (`/healthz`, `/readyz` excepted). Set it in production, against DNS rebinding.',
  },
  {
    name: 'METRICS_TOKEN',
    default: '(unset)',
    description: 'In production, `/metrics` on `PORT` answers only `Authorization: Bearer <token>` (401 otherwise). Open in development.',
  },
  {
    name: 'METRICS_PORT',
    default: '(unset)',
    description:
      'A second listener on `HOST` serving only `/metrics`, unauthenticated (keep the port private). In production with neither this nor `METRICS_TOKEN`, `/metrics` answers 404.',
  },
  { name: 'NODE_ENV', default: 'development', description: '`production` masks internal error details and disables introspection-only helpers.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.' },
  { name: 'LOG_FORMAT', default: '`pretty` on a terminal, else `json`', description: '`json`: one JSON object per line (for log collectors); `pretty`: readable lines.' },
  { name: 'STORE', default: 'duckdb', description: 'Metadata backend: `duckdb` (embedded) or `bigquery`.' },
  {
    name: 'DATA_DIR',
    default: '(unset: built-in demo data)',
    description: 'Folder with `classes.csv`, `image_labels.csv`, `relations.csv` (or the official Open Images file names) loaded into DuckDB at start.',
  },
  {
    name: 'DUCKDB_PATH',
    default: '(unset: in memory)',
    description: 'DuckDB database file; restarts reuse its tables while the source files (names, sizes, modification times) are unchanged, and reload them when they differ.',
  },
  { name: 'BIGQUERY_PROJECT', default: '(none)', description: 'Project that runs (and is billed for) the query jobs.' },
  { name: 'BIGQUERY_DATASET', default: '(none)', description: 'Dataset holding the tables, `project.dataset` or `dataset`.' },
  { name: 'BIGQUERY_API_ENDPOINT', default: '(Google)', description: 'Base URL of a BigQuery-compatible REST endpoint (emulators, tests), e.g. `http://127.0.0.1:9050`.' },
  { name: 'BIGQUERY_LOCATION', default: '(dataset default)', description: 'Job location, e.g. `US` or `EU`.' },
  { name: 'BIGQUERY_TIMEOUT_MS', default: '20000', description: 'Deadline for one store query, retries included.' },
  { name: 'BIGQUERY_MAX_RETRIES', default: '3', description: 'Retries of a failed read query (5xx, rate limits) with exponential backoff.' },
  {
    name: 'IMAGE_URL_TEMPLATE',
    default: 'https://storage.googleapis.com/bdcc_open_images_dataset/images/{id}.jpg',
    description: '`Image.url`; `{id}` is replaced by the image id.',
  },
  { name: 'MAX_QUERY_DEPTH', default: '12', description: 'Deepest selection a query may have.' },
  { name: 'MAX_QUERY_COST', default: '50000', description: 'Highest estimated cost (list fields multiply by `first`) a query may have.' },
  { name: 'MAX_QUERY_TOKENS', default: '5000', description: 'Most lexical tokens in a GraphQL document; longer documents are refused by the parser.' },
  { name: 'MAX_QUERY_ALIASES', default: '30', description: 'Most aliased fields in a GraphQL document (`QUERY_TOO_COMPLEX`).' },
  {
    name: 'MAX_SELECTION_REPEATS',
    default: '20',
    description: 'Most fields sharing a response name, or fragment spreads, in one selection set (`QUERY_TOO_COMPLEX`); keeps validation linear.',
  },
  { name: 'MAX_RESPONSE_BYTES', default: '16777216', description: 'Largest JSON response; a larger one is replaced by a `RESPONSE_TOO_LARGE` error.' },
  {
    name: 'INTROSPECTION',
    default: '(unset: on unless production)',
    description: '`true` / `false`: schema introspection and "Did you mean" suggestions. Off with `NODE_ENV=production` unless `true`.',
  },
  {
    name: 'CORS_ORIGINS',
    default: '(unset: no cross-origin access)',
    description: 'Comma-separated exact origins (`https://app.example.com`) allowed to call the gateway from a browser; `*` is refused.',
  },
  { name: 'RETRY_AFTER_SECONDS', default: '5', description: '`Retry-After` of the 503 answers (`OVERLOADED`, `SHUTTING_DOWN`).' },
  { name: 'HEADERS_TIMEOUT_MS', default: '10000', description: 'Longest time a client may take to send the request head; then the connection is closed.' },
  { name: 'REQUEST_TIMEOUT_MS', default: '120000', description: 'Longest time a client may take to send a whole request (head and body); then 408 and close.' },
  { name: 'BODY_IDLE_TIMEOUT_MS', default: '15000', description: 'Longest pause while a request body arrives; then 408 and close.' },
  { name: 'KEEP_ALIVE_TIMEOUT_MS', default: '5000', description: 'How long an idle keep-alive connection stays open.' },
  { name: 'MAX_CONNECTIONS', default: '1024', description: 'Most open client connections; further ones are closed at once.' },
  { name: 'MAX_UPLOAD_BYTES', default: '10485760', description: 'Largest uploaded file, in bytes.' },
  { name: 'MAX_UPLOAD_FILES', default: '16', description: 'Most files in one request.' },
  { name: 'MAX_IMAGE_PIXELS', default: '40000000', description: 'Largest decoded image (width x height), against decompression bombs.' },
  {
    name: 'UPLOAD_MEMORY_BUDGET_BYTES',
    default: '268435456',
    description: 'Upload bytes all requests together may hold in memory; a multipart request that does not fit gets 503 `OVERLOADED`.',
  },
  {
    name: 'DECODE_CONCURRENCY',
    default: '2',
    description: "Images decoded at once over all requests (sharp, on libuv's 4 threads), so decoding never takes every thread from the store.",
  },
  {
    name: 'DECODE_QUEUE_LIMIT',
    default: '256',
    description: 'Images waiting to be decoded over all requests; past it, a request gets 503 `OVERLOADED` at once. At least `MAX_UPLOAD_FILES`.',
  },
  { name: 'DECODE_PIXEL_BUDGET', default: '80000000', description: 'Pixels decoded at once over all requests (an image larger than this is decoded alone).' },
  {
    name: 'MODEL_DIR',
    default: '(unset: see README)',
    description: 'TensorFlow.js model folder (`model.json`, shards, `metadata.json` or `labels.txt`) served as the default model.',
  },
  {
    name: 'MODEL_DIR',
    default: '(unset: the shipped default model)',
    description:
      'Model folder served as the default model: TensorFlow.js (`model.json`, shards, `metadata.json`, `labels.txt` or `dict.txt`) or ONNX (`model.onnx` with `labels.txt` or `metadata.json`); a missing folder or one with neither `model.json` nor `model.onnx` stops the start.',
  },
  {
    name: 'DEFAULT_MODEL',
    default: 'shipped',
    description: 'With `MODEL_DIR` unset: `shipped` serves `default-model/` (MobileNet V2, id `mobilenet_v2_1.0_224`) as the default; `none` serves only `MODELS_DIR`.',
  },
  { name: 'MODELS_DIR', default: './models', description: 'Folder of further model folders (downloads, trained models); each sub-folder is served under its name.' },
  {
    name: 'INFERENCE_WORKERS',
    default: 'number of cores',
    description: 'worker_threads running inference, each with its own ONNX Runtime sessions (and TF.js backend for models without an ONNX form).',
  },
  { name: 'INFERENCE_MAX_BATCH', default: '8', description: 'Most images one worker predicts at once (micro-batching).' },
  { name: 'INFERENCE_MAX_WAIT_MS', default: '4', description: 'How long a batch waits to fill before it runs.' },
  {
    name: 'INFERENCE_RUNTIME',
    default: 'auto',
    description:
      "`auto`: ONNX Runtime serves every model with an ONNX form (a folder's `model.onnx`, or a TF.js folder the converter handles), TF.js wasm the rest (`Model.runtimeFallbackReason` says why); `onnx`: a model without an ONNX form fails to load; `tfjs`: TF.js folders stay on TF.js (ONNX folders still run on ONNX Runtime).",
  },
  {
    name: 'ONNX_THREADS',
    default: '1',
    description:
      'ONNX Runtime intra-op threads per session. Each inference worker holds its own sessions, so the default (1, with one worker per core) uses every core without oversubscribing; see "Threads and batching" in the README.',
  },
  { name: 'INFERENCE_QUEUE_LIMIT', default: '256', description: 'Images waiting for a worker before new requests get `OVERLOADED`; at least `MAX_UPLOAD_FILES`.' },
  {
    name: 'VISION_API_ENDPOINT',
    default: '(unset: Google, with Application Default Credentials)',
    description: '`host:port` of a plaintext gRPC Vision endpoint (emulators, tests); no credentials are sent.',
  },
  {
    name: 'GOOGLE_APPLICATION_CREDENTIALS',
    default: '(unset: gcloud login, or the metadata server on Google Cloud)',
    description: 'Service account key file (JSON) for Cloud Vision and BigQuery; must exist when set.',
  },
  {
    name: 'VISION_TIMEOUT_MS',
    default: '30000',
    description: 'Deadline for one BatchAnnotateImages call; also bounds the search for Application Default Credentials (at most 10 s).',
  },
  { name: 'EMBEDDINGS', default: '(unset)', description: 'Parquet file written by `npm run embed`, served by `similarImages`.' },
  {
    name: 'EMBEDDINGS_INDEX_MIN_ROWS',
    default: '10000',
    description: 'From this many rows on, `similarImages` searches an HNSW index (built once, kept beside the file as `<file>.usearch`); below it, every row is scored.',
  },
  {
    name: 'BIGQUERY_EMBEDDINGS_TABLE',
    default: '(unset)',
    description:
      'With `STORE=bigquery`: table of `BIGQUERY_DATASET` holding the `EMBEDDINGS` rows (loaded from the same Parquet); `similarImages` then searches it with `VECTOR_SEARCH`, and reads only the backbone and PCA from the file.',
  },
  {
    name: 'TRAINING_DATA_ROOT',
    default: '(unset: trainModel refused)',
    description: 'Folder under which `trainModel` may read training data; every file read must lie inside it once symbolic links are resolved.',
  },
  {
    name: 'TRAINING_REMOTE_SOURCES',
    default: '(unset: local rows only)',
    description:
      'Comma-separated remote sources `trainModel` CSV rows may name: `host` or `https://host[:port]` (https), `http://host[:port]` (plain http, only when written so), `gs://bucket`. Exact hosts, no wildcards; addresses that are not public (loopback, private, link-local...) are refused even when listed.',
  },
  { name: 'MAX_SUBSCRIPTION_STREAMS', default: '100', description: 'Subscription streams (GraphQL over SSE) open at once; more answer 503 `OVERLOADED`.' },
  {
    name: 'MAX_SUBSCRIPTION_STREAMS_PER_CALLER',
    default: '10',
    description: 'Subscription streams one caller (its id, else its address) may hold open; more answer 429 `RATE_LIMITED`.',
  },
  {
    name: 'SUBSCRIPTION_MAX_LIFETIME_S',
    default: '3600',
    description: 'A subscription stream ends after this many seconds with a `STREAM_LIFETIME_EXCEEDED` error event; the client reconnects.',
  },
  {
    name: 'TRAINING_CACHE_MAX_BYTES',
    default: '1073741824',
    description: 'Bytes the training embedding cache (`MODELS_DIR/.embedding-cache`) may hold; past it, the least recently used entries are removed.',
  },
  {
    name: 'MODEL_IDLE_UNLOAD_S',
    default: '900',
    description: 'A model other than the default unused this long is unloaded from the inference workers and loaded again by the next request naming it; `0`: never.',
  },
  { name: 'SHUTDOWN_GRACE_MS', default: '10000', description: 'On SIGTERM, how long in-flight requests may take before the process exits.' },
  {
    name: 'AUTH_JWKS_URL',
    default: '(unset)',
    description:
      'JSON Web Key Set of the identity provider (`https://…/.well-known/jwks.json`), fetched and cached; an unknown `kid` refetches it (key rotation), at most every 30 s. Bearer JWTs are then verified against it.',
  },
  { name: 'AUTH_JWKS_FILE', default: '(unset)', description: 'The same key set from a local JSON file (offline, tests); instead of `AUTH_JWKS_URL`.' },
  { name: 'AUTH_ISSUER', default: '(required with a JWKS)', description: 'Accepted `iss` claim (comma list for several), e.g. `https://example.eu.auth0.com/`.' },
  { name: 'AUTH_AUDIENCE', default: '(required with a JWKS)', description: 'Accepted `aud` claim (comma list: any one of them), e.g. the API identifier.' },
  { name: 'AUTH_CLOCK_TOLERANCE_S', default: '30', description: 'Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (at most 300).' },
  {
    name: 'AUTH_ALGORITHMS',
    default: 'RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512,EdDSA',
    description: 'JWT signature algorithms accepted; asymmetric ones only (`HS*` and `none` are refused).',
  },
  { name: 'AUTH_SCOPE_PREFIX', default: '(none)', description: "Prefix of the gateway's scopes in tokens, e.g. `gateway:` when the provider issues `gateway:train`." },
  {
    name: 'API_KEYS_FILE',
    default: '(unset)',
    description: 'JSON file of API keys for server-to-server callers: `[{"name", "sha256", "scopes"}]`, each key stored as its SHA-256 (`npm run auth:key` makes one).',
  },
  {
    name: 'ANONYMOUS_SCOPES',
    default: '`read,classify` in production; every scope in development',
    description: 'Scopes of requests without credentials: a comma list of `read`, `classify`, `train`, `admin`, or `none`.',
  },
  {
    name: 'RATE_LIMIT_CLASSIFY_PER_MINUTE',
    default: '600 when listening beyond loopback in production, else 0 (off)',
    description: 'Images one caller may `classify` per minute (anonymous callers: per client address); over it: 429 `RATE_LIMITED` with `Retry-After`.',
  },
  {
    name: 'RATE_LIMIT_LABEL_DETECTION_PER_MINUTE',
    default: '60 when listening beyond loopback in production, else 0 (off)',
    description: 'Images one caller may send to Cloud Vision (`labelDetection`) per minute.',
  },
  {
    name: 'RATE_LIMIT_SIMILAR_IMAGES_PER_MINUTE',
    default: '300 when listening beyond loopback in production, else 0 (off)',
    description: '`similarImages` queries one caller may make per minute.',
  },
  { name: 'RATE_LIMIT_TRAIN_PER_HOUR', default: '20 when listening beyond loopback in production, else 0 (off)', description: '`trainModel` calls one caller may make per hour.' },
  { name: 'TRAINING_QUEUE_MAX', default: '4', description: 'Training jobs queued or running at once over all callers; more are refused at once with 503 `OVERLOADED`.' },
  { name: 'TRAINING_QUEUE_MAX_PER_CALLER', default: '2', description: 'Training jobs queued or running at once per caller; more are refused with 429 `RATE_LIMITED`.' },
  { name: 'TRAINING_JOB_TIMEOUT_S', default: '3600', description: 'A training job still running after this many seconds is stopped and FAILED (`TRAINING_TIMEOUT`).' },
  {
    name: 'TRUST_PROXY',
    default: '0',
    description:
      'How many proxies in front of the gateway (Cloud Run, a load balancer) may name the client in `X-Forwarded-For`; the client address keys anonymous rate limits and logs.',
  },
  { name: 'XDG_CACHE_HOME', default: '~/.cache', description: 'Where `npm run train` caches embeddings (`openimages-gateway/embeddings` below it).' },
];

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(`${name} must be an integer ${range}, got "${raw}"`);
  }
  return value;
}

function text(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** A path that must exist as a file or a folder when the variable is set. */
function existing(env: Env, name: string, kind: 'file' | 'directory', expected: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let stats: fs.Stats;
  try {
    stats = fs.statSync(value);
  } catch {
    throw new ConfigError(`${name} must name an existing ${kind} (${expected}), got "${value}": not found`);
  }
  if (kind === 'file' ? !stats.isFile() : !stats.isDirectory()) {
    throw new ConfigError(`${name} must name an existing ${kind} (${expected}), got "${value}": not a ${kind}`);
  }
  return value;
}

/** A database file to create or reuse: its folder must exist. */
function creatableFile(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  const folder = path.dirname(path.resolve(value));
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new ConfigError(`${name} must be a file path in an existing folder, got "${value}": ${folder} does not exist`);
  }
  return value;
}

/** A service-account key file: it must exist and be JSON, or the Google clients fail later with a misleading message. */
function credentialsFile(env: Env, name: string): string | undefined {
  const file = existing(env, name, 'file', 'a service account key in JSON');
  if (file === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${name} must name a JSON key file, got "${file}": ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string') {
    throw new ConfigError(`${name} must name a Google credentials JSON file with a "type" field, got "${file}"`);
  }
  return file;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The logger's settings, parsed like the rest but never throwing: the logger exists before the
 * configuration is loaded, and a bad value must reach the user as loadConfig's one-line error.
 */
export function loggingConfig(env: Env = process.env, isTerminal = Boolean(process.stdout.isTTY)): { level: LogLevel; format: LogFormat } {
  const valid = <T extends string>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch {
      return fallback;
    }
  };
  return {
    level: valid(() => oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'), 'info'),
    format: valid(() => oneOf(env, 'LOG_FORMAT', LOG_FORMATS, isTerminal ? 'pretty' : 'json'), 'json'),
  };
}

/** `host:port` (or `[v6::addr]:port`) for gRPC endpoints. */
function endpoint(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
    throw new ConfigError(`${name} must be host:port (e.g. 127.0.0.1:9090), got "${value}"`);
  }
  return value;
}

/**
 * HOST must resolve, checked before anything loads so that a typo fails in a second rather than after
 * the data load (listen() would otherwise report it with a stack trace).
 */
export async function checkHost(host: string): Promise<void> {
  try {
    await dns.promises.lookup(host);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`HOST must be an address or host name of this machine (e.g. 0.0.0.0, 127.0.0.1, localhost), got "${host}": ${reason}`);
  }
}

/** The user's cache folder (XDG_CACHE_HOME, else ~/.cache), for command-line tools. */
export function userCacheHome(env: Env = process.env): string {
  return text(env, 'XDG_CACHE_HOME') ?? path.join(os.homedir(), '.cache');
}

function boolean(env: Env, name: string): boolean | undefined {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be "true" or "false", got "${env[name]}"`);
}

/** Exact origins (`scheme://host[:port]`), never a wildcard: uploads and billed calls must not be open to every page. */
function origins(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`${name} must list exact origins such as https://app.example.com (no "*", path or trailing slash), got "${origin}"`);
    }
    return origin;
  });
}

/** Host names (`name`, `name:port`, `*.domain`), lower-cased; no schemes or paths. */
function allowedHosts(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const host = entry.trim().toLowerCase();
    if (!/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(host)) {
      throw new ConfigError(`${name} must list host names such as api.example.com, api.example.com:8443 or *.example.com, got "${entry.trim()}"`);
    }
    return host;
  });
}

function remoteSources(env: Env, name: string): RemoteSourcePolicy {
  try {
    return parseRemoteSources(text(env, name));
  } catch (error) {
    throw new ConfigError(`${name} must list hosts or buckets separated by commas: ${(error as Error).message}`);
  }
}

function defaultModel(env: Env): 'shipped' | 'none' {
  const raw = (text(env, 'DEFAULT_MODEL') ?? 'shipped').toLowerCase();
  if (raw === 'shipped') return 'shipped';
  if (raw === 'none' || raw === 'off') return 'none';
  throw new ConfigError(`DEFAULT_MODEL must be "shipped" or "none", got "${raw}"`);
}

/** An explicitly configured default model must be there: refusing to start beats serving without it. */
function modelDir(env: Env): string | undefined {
  const dir = text(env, 'MODEL_DIR');
  if (dir === undefined) return undefined;
  const resolved = path.resolve(dir);
  let stats: fs.Stats;
  try {
    stats = fs.statSync(resolved);
  } catch {
    throw new ConfigError(`MODEL_DIR ${resolved}: no such folder`);
  }
  if (!stats.isDirectory()) throw new ConfigError(`MODEL_DIR ${resolved}: not a folder`);
  if (!fs.existsSync(path.join(resolved, 'model.json')) && !fs.existsSync(path.join(resolved, 'model.onnx'))) {
    throw new ConfigError(
      `MODEL_DIR ${resolved}: the folder has neither model.json nor model.onnx (a TensorFlow.js model folder holds model.json and its weight shards; an ONNX one model.onnx and labels.txt or metadata.json)`,
    );
  }
  return dir;
}

function inferenceRuntime(env: Env): 'auto' | 'onnx' | 'tfjs' {
  const raw = (text(env, 'INFERENCE_RUNTIME') ?? 'auto').toLowerCase();
  if (raw === 'auto' || raw === 'onnx' || raw === 'tfjs') return raw;
  throw new ConfigError(`INFERENCE_RUNTIME must be "auto", "onnx" or "tfjs", got "${raw}"`);
}

/** A comma list of values; empty: none. */
function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function scopeList(env: Env, name: string, fallback: readonly Scope[]): Scope[] {
  const raw = text(env, name);
  if (raw === undefined) return [...fallback];
  if (raw.toLowerCase() === 'none') return [];
  const scopes = list(env, name);
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0 || scopes.length === 0) throw new ConfigError(`${name} must be a comma list of ${SCOPES.join(', ')}, or none; got "${raw}"`);
  return [...new Set(scopes)] as Scope[];
}

/** The JWKS endpoint: https, or http on loopback (a local identity provider, tests). */
function jwksUrl(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an https URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError(`${name} must be an https URL (http only on loopback), got "${value}"`);
  }
  return value;
}

/** Names and addresses that can only reach this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

function authConfig(env: Env, production: boolean): AuthConfig {
  const auth: AuthConfig = {
    jwksUrl: jwksUrl(env, 'AUTH_JWKS_URL'),
    jwksFile: existing(env, 'AUTH_JWKS_FILE', 'file', 'a JSON Web Key Set'),
    issuers: list(env, 'AUTH_ISSUER'),
    audiences: list(env, 'AUTH_AUDIENCE'),
    clockToleranceSeconds: integer(env, 'AUTH_CLOCK_TOLERANCE_S', 30, 0, 300),
    algorithms: text(env, 'AUTH_ALGORITHMS') === undefined ? ASYMMETRIC_ALGORITHMS : list(env, 'AUTH_ALGORITHMS'),
    scopePrefix: text(env, 'AUTH_SCOPE_PREFIX') ?? '',
    apiKeysFile: existing(env, 'API_KEYS_FILE', 'file', 'a JSON list of API keys'),
    anonymousScopes: scopeList(env, 'ANONYMOUS_SCOPES', production ? ['read', 'classify'] : SCOPES),
  };
  if (auth.jwksUrl && auth.jwksFile) throw new ConfigError('Set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both');
  if ((auth.jwksUrl || auth.jwksFile) && (auth.issuers.length === 0 || auth.audiences.length === 0)) {
    // A token for another API of the same provider must not open this one.
    throw new ConfigError('AUTH_JWKS_URL / AUTH_JWKS_FILE need AUTH_ISSUER and AUTH_AUDIENCE');
  }
  const weak = auth.algorithms.filter((algorithm) => !ASYMMETRIC_ALGORITHMS.includes(algorithm));
  if (weak.length > 0 || auth.algorithms.length === 0) {
    throw new ConfigError(`AUTH_ALGORITHMS must list asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}), got "${text(env, 'AUTH_ALGORITHMS')}"`);
  }
  return auth;
}

/** Limits are on for a public production gateway and off on one's own machine, where they would only slow a benchmark. */
function rateLimitConfig(env: Env, enforced: boolean): RateLimitConfig {
  const on = (value: number) => (enforced ? value : 0);
  return {
    classifyPerMinute: integer(env, 'RATE_LIMIT_CLASSIFY_PER_MINUTE', on(600)),
    labelDetectionPerMinute: integer(env, 'RATE_LIMIT_LABEL_DETECTION_PER_MINUTE', on(60)),
    similarImagesPerMinute: integer(env, 'RATE_LIMIT_SIMILAR_IMAGES_PER_MINUTE', on(300)),
    trainModelPerHour: integer(env, 'RATE_LIMIT_TRAIN_PER_HOUR', on(20)),
  };
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
  const production = env.NODE_ENV === 'production';
  const host = text(env, 'HOST') ?? '0.0.0.0';
  const config: GatewayConfig = {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host,
    production,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', LOG_FORMATS, loggingConfig(env).format),
    store,
    dataDir: existing(env, 'DATA_DIR', 'directory', 'a folder of Open Images CSV files'),
    duckdbPath: creatableFile(env, 'DUCKDB_PATH'),
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
    maxQueryTokens: integer(env, 'MAX_QUERY_TOKENS', 5000, 100),
    maxQueryAliases: integer(env, 'MAX_QUERY_ALIASES', 30),
    maxSelectionRepeats: integer(env, 'MAX_SELECTION_REPEATS', 20, 1),
    maxResponseBytes: integer(env, 'MAX_RESPONSE_BYTES', 16 * 1024 * 1024, 1024),
    introspection: boolean(env, 'INTROSPECTION') ?? env.NODE_ENV !== 'production',
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    retryAfterSeconds: integer(env, 'RETRY_AFTER_SECONDS', 5, 1),
    http: {
      headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 1),
      requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 120_000, 1),
      bodyIdleTimeoutMs: integer(env, 'BODY_IDLE_TIMEOUT_MS', 15_000, 1),
      keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 1),
      maxConnections: integer(env, 'MAX_CONNECTIONS', 1024, 1),
    },
    uploadMemoryBudgetBytes: integer(env, 'UPLOAD_MEMORY_BUDGET_BYTES', 256 * 1024 * 1024, 1),
    decode: {
      concurrency: integer(env, 'DECODE_CONCURRENCY', 2, 1),
      pixelBudget: integer(env, 'DECODE_PIXEL_BUDGET', 80_000_000, 1),
      queueLimit: integer(env, 'DECODE_QUEUE_LIMIT', 256, 1),
    },
    maxSubscriptionStreams: integer(env, 'MAX_SUBSCRIPTION_STREAMS', 100, 1),
    maxSubscriptionStreamsPerCaller: integer(env, 'MAX_SUBSCRIPTION_STREAMS_PER_CALLER', 10, 1),
    subscriptionMaxLifetimeS: integer(env, 'SUBSCRIPTION_MAX_LIFETIME_S', 3600, 1, 2_000_000), // setTimeout's limit is 2^31 ms
    allowedHosts: allowedHosts(env, 'ALLOWED_HOSTS'),
    metricsToken: text(env, 'METRICS_TOKEN'),
    metricsPort: text(env, 'METRICS_PORT') === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535),
    maxUploadBytes: integer(env, 'MAX_UPLOAD_BYTES', 10 * 1024 * 1024, 1),
    maxUploadFiles: integer(env, 'MAX_UPLOAD_FILES', 16, 1),
    maxImagePixels: integer(env, 'MAX_IMAGE_PIXELS', 40_000_000, 1),
    modelDir: modelDir(env),
    defaultModel: defaultModel(env),
    modelsDir: text(env, 'MODELS_DIR') ?? 'models',
    inference: {
      workers: integer(env, 'INFERENCE_WORKERS', Math.max(1, os.availableParallelism?.() ?? os.cpus().length), 1),
      maxBatch: integer(env, 'INFERENCE_MAX_BATCH', 8, 1),
      maxWaitMs: integer(env, 'INFERENCE_MAX_WAIT_MS', 4),
      queueLimit: integer(env, 'INFERENCE_QUEUE_LIMIT', 256, 1),
    },
    inferenceRuntime: inferenceRuntime(env),
    onnxThreads: integer(env, 'ONNX_THREADS', 1, 1, 256),
    vision: {
      apiEndpoint: endpoint(env, 'VISION_API_ENDPOINT'),
      timeoutMs: integer(env, 'VISION_TIMEOUT_MS', 30000, 1),
      credentialsFile: credentialsFile(env, 'GOOGLE_APPLICATION_CREDENTIALS'),
    },
    embeddingsFile: existing(env, 'EMBEDDINGS', 'file', 'a Parquet file written by `npm run embed`'),
    embeddingsIndexMinRows: integer(env, 'EMBEDDINGS_INDEX_MIN_ROWS', 10000, 1),
    bigqueryEmbeddingsTable: text(env, 'BIGQUERY_EMBEDDINGS_TABLE'),
    trainingDataRoot: existing(env, 'TRAINING_DATA_ROOT', 'directory', 'the folder trainModel may read training data from'),
    trainingCacheMaxBytes: integer(env, 'TRAINING_CACHE_MAX_BYTES', 1024 ** 3, 1),
    modelIdleUnloadS: integer(env, 'MODEL_IDLE_UNLOAD_S', 900),
    trainingRemoteSources: remoteSources(env, 'TRAINING_REMOTE_SOURCES'),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10000),
    auth: authConfig(env, production),
    rateLimits: rateLimitConfig(env, production && !isLoopbackHost(host)),
    training: {
      queueMax: integer(env, 'TRAINING_QUEUE_MAX', 4, 1),
      queueMaxPerCaller: integer(env, 'TRAINING_QUEUE_MAX_PER_CALLER', 2, 1),
      jobTimeoutSeconds: integer(env, 'TRAINING_JOB_TIMEOUT_S', 3600, 1),
    },
    trustProxyHops: integer(env, 'TRUST_PROXY', 0, 0, 10),
  };
  if (config.bigqueryEmbeddingsTable !== undefined) {
    if (!/^[A-Za-z0-9_]{1,1024}$/.test(config.bigqueryEmbeddingsTable)) throw new ConfigError('BIGQUERY_EMBEDDINGS_TABLE must be a table id (letters, digits, underscores)');
    if (config.store !== 'bigquery' || !config.embeddingsFile)
      throw new ConfigError('BIGQUERY_EMBEDDINGS_TABLE needs STORE=bigquery and EMBEDDINGS (the Parquet file the table was loaded from)');
  }
  if (config.store === 'bigquery' && !config.bigquery.dataset) {
    throw new ConfigError('STORE=bigquery needs BIGQUERY_DATASET (e.g. myproject.openimages)');
  }
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    throw new ConfigError(`HEADERS_TIMEOUT_MS (${config.http.headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${config.http.requestTimeoutMs})`);
  }
  if (config.decode.queueLimit < config.maxUploadFiles) {
    throw new ConfigError(
      `DECODE_QUEUE_LIMIT (${config.decode.queueLimit}) must be at least MAX_UPLOAD_FILES (${config.maxUploadFiles}): a request with that many files could never be admitted`,
    );
  }
  if (config.inference.queueLimit < config.maxUploadFiles) {
    // The queue admits a request's images all at once: a smaller queue would refuse the largest allowed request forever.
    throw new ConfigError(
      `INFERENCE_QUEUE_LIMIT (${config.inference.queueLimit}) must be at least MAX_UPLOAD_FILES (${config.maxUploadFiles}): a request with that many files could never be admitted`,
    );
  }
  return config;
}
