import { ConfigError, type Env } from './parsers';
import { readGroup } from './spec';
import type { GatewayConfig } from './types';
import { AUTH, EMBEDDINGS, HTTP, LIMITS, MODELS, RATE_LIMITS, REPLICAS, SERVER, STORE, TRAINING, VISION } from './variables';

/** Every variable read from its spec (src/config/variables/), then the rules that span several of them. */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const server = readGroup(SERVER, env);
  const store = readGroup(STORE, env);
  const limits = readGroup(LIMITS, env);
  const http = readGroup(HTTP, env);
  const models = readGroup(MODELS, env);
  const replicas = readGroup(REPLICAS, env);
  const vision = readGroup(VISION, env);
  const embeddings = readGroup(EMBEDDINGS, env);
  const training = readGroup(TRAINING, env);
  const auth = readGroup(AUTH, env);
  const config: GatewayConfig = {
    port: server.port,
    host: server.host,
    production: server.nodeEnv === 'production',
    logLevel: server.logLevel,
    logFormat: server.logFormat,
    store: store.store,
    dataDir: store.dataDir,
    duckdbPath: store.duckdbPath,
    bigquery: {
      project: store.bigqueryProject,
      dataset: store.bigqueryDataset,
      apiEndpoint: store.bigqueryApiEndpoint,
      location: store.bigqueryLocation,
      timeoutMs: store.bigqueryTimeoutMs,
      maxRetries: store.bigqueryMaxRetries,
    },
    imageUrlTemplate: store.imageUrlTemplate,
    maxQueryDepth: limits.maxQueryDepth,
    maxQueryCost: limits.maxQueryCost,
    maxQueryTokens: limits.maxQueryTokens,
    maxQueryAliases: limits.maxQueryAliases,
    maxSelectionRepeats: limits.maxSelectionRepeats,
    maxResponseBytes: limits.maxResponseBytes,
    introspection: http.introspection,
    corsOrigins: http.corsOrigins,
    retryAfterSeconds: http.retryAfterSeconds,
    http: {
      headersTimeoutMs: http.headersTimeoutMs,
      requestTimeoutMs: http.requestTimeoutMs,
      bodyIdleTimeoutMs: http.bodyIdleTimeoutMs,
      keepAliveTimeoutMs: http.keepAliveTimeoutMs,
      maxConnections: http.maxConnections,
    },
    uploadMemoryBudgetBytes: limits.uploadMemoryBudgetBytes,
    decode: { concurrency: limits.decodeConcurrency, pixelBudget: limits.decodePixelBudget, queueLimit: limits.decodeQueueLimit },
    maxSubscriptionStreams: http.maxSubscriptionStreams,
    maxSubscriptionStreamsPerCaller: http.maxSubscriptionStreamsPerCaller,
    subscriptionMaxLifetimeS: http.subscriptionMaxLifetimeS,
    allowedHosts: server.allowedHosts,
    metricsToken: server.metricsToken,
    metricsPort: server.metricsPort,
    maxUploadBytes: limits.maxUploadBytes,
    maxUploadFiles: limits.maxUploadFiles,
    maxImagePixels: limits.maxImagePixels,
    modelDir: models.modelDir,
    defaultModel: models.defaultModel,
    modelsDir: models.modelsDir,
    replicas,
    inference: {
      workers: models.inferenceWorkers,
      maxBatch: models.inferenceMaxBatch,
      maxWaitMs: models.inferenceMaxWaitMs,
      queueLimit: models.inferenceQueueLimit,
    },
    inferenceRuntime: models.inferenceRuntime,
    onnxThreads: models.onnxThreads,
    vision,
    embeddingsFile: embeddings.embeddingsFile,
    embeddingsIndexMinRows: embeddings.embeddingsIndexMinRows,
    bigqueryEmbeddingsTable: embeddings.bigqueryEmbeddingsTable,
    trainingDataRoot: training.dataRoot,
    trainingCacheMaxBytes: training.cacheMaxBytes,
    modelIdleUnloadS: models.modelIdleUnloadS,
    trainingRemoteSources: training.remoteSources,
    shutdownGraceMs: http.shutdownGraceMs,
    auth,
    rateLimits: readGroup(RATE_LIMITS, env),
    training: { queueMax: training.queueMax, queueMaxPerCaller: training.queueMaxPerCaller, jobTimeoutSeconds: training.jobTimeoutSeconds },
    trustProxyHops: http.trustProxyHops,
  };
  checkCombinations(config);
  return config;
}

/** Rules over several variables: each message names all of them. */
function checkCombinations(config: GatewayConfig): void {
  const { auth } = config;
  if (auth.jwksUrl && auth.jwksFile) throw new ConfigError('Set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both');
  if ((auth.jwksUrl || auth.jwksFile) && (auth.issuers.length === 0 || auth.audiences.length === 0)) {
    // A token for another API of the same provider must not open this one.
    throw new ConfigError('AUTH_JWKS_URL / AUTH_JWKS_FILE need AUTH_ISSUER and AUTH_AUDIENCE');
  }
  if (config.bigqueryEmbeddingsTable !== undefined && (config.store !== 'bigquery' || !config.embeddingsFile)) {
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
}
