import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of one gateway instance. Each instance owns its registry so that
 * several gateways in one process (tests) do not mix their counts.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly backendQueries = new Counter({
    name: 'gateway_backend_queries_total',
    help: 'Queries sent to the metadata store.',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });

  readonly backendQueryErrors = new Counter({
    name: 'gateway_backend_query_errors_total',
    help: 'Store queries that failed after retries.',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });

  readonly backendQuerySeconds = new Histogram({
    name: 'gateway_backend_query_duration_seconds',
    help: 'Latency of one store query, retries included.',
    labelNames: ['backend'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly graphqlRequests = new Counter({
    name: 'gateway_graphql_requests_total',
    help: 'GraphQL operations served, by operation name and outcome.',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });

  readonly graphqlSeconds = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'Latency of one GraphQL operation.',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly authentications = new Counter({
    name: 'gateway_authentications_total',
    help: 'Requests to /graphql by how the caller was identified: `jwt`, `api_key`, `anonymous`, `invalid` (refused with 401) or `unavailable` (key set unreachable).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Operations refused by a per-caller limit, by limit.',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly subscriptionStreams = new Gauge({
    name: 'gateway_subscription_streams',
    help: 'Subscription streams (GraphQL over SSE) open now.',
    registers: [this.registry],
  });

  readonly subscriptionStreamsRefused = new Counter({
    name: 'gateway_subscription_streams_refused_total',
    help: 'Subscription stream requests refused: `limit` (MAX_SUBSCRIPTION_STREAMS reached) or `shutdown`.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly inferenceBatchSize = new Histogram({
    name: 'gateway_inference_batch_size',
    help: 'Images per predict call, by model and runtime (ONNX or TFJS_WASM).',
    labelNames: ['model', 'runtime'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });

  readonly inferenceSeconds = new Histogram({
    name: 'gateway_inference_duration_seconds',
    help: "Latency of one predict batch in a worker (normalisation, the runtime's run, scores), by model and runtime (ONNX or TFJS_WASM).",
    labelNames: ['model', 'runtime'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly inferenceQueueDepth = new Gauge({
    name: 'gateway_inference_queue_depth',
    help: 'Images waiting for an inference worker.',
    registers: [this.registry],
  });

  readonly inferenceWorkers = new Gauge({
    name: 'gateway_inference_workers',
    help: 'Inference worker threads running.',
    registers: [this.registry],
  });

  readonly visionRequests = new Counter({
    name: 'gateway_vision_requests_total',
    help: 'BatchAnnotateImages calls to the Cloud Vision API, by outcome.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }
}
