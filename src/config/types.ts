import type { RemoteSourcePolicy } from './remoteSources';
import type { Scope } from './scopes';
import type { LogFormat, LogLevel } from './variables/server';

/**
 * Every environment variable the gateway reads, parsed and validated once.
 * Read from the specs in src/config/variables/ by loadConfig (src/config/load.ts).
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
  /** The shared model repository and job records (issue 19). */
  replicas: {
    /** A folder or gs://bucket/prefix; undefined: MODELS_DIR. */
    modelRepository?: string;
    /** Cloud Storage JSON API endpoint for a gs:// repository (emulators, tests); undefined: Google. */
    gcsApiEndpoint?: string;
    pollSeconds: number;
    /** Whether this process runs training jobs. */
    trainingWorker: boolean;
    heartbeatSeconds: number;
    leaseSeconds: number;
  };
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

/** One row of the README's configuration table. */
export interface ConfigVariable {
  name: string;
  /** The default as documented. */
  default: string;
  description: string;
}
