import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { graphqlUploadExpress } from 'graphql-upload-minimal';
import { authenticate } from './auth/authenticate';
import { anonymousCaller, type Caller } from './auth/caller';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { ErrorCode } from './errors';
import { buildGatewaySchema } from './graphql/buildGatewaySchema';
import { createFormatError } from './graphql/formatError';
import { documentShapeCheck } from './graphql/documentShape';
import { operationChecks, operationChecksPlugin } from './graphql/operationChecks';
import { requestObservabilityPlugin } from './graphql/plugins/requestObservability';
import { subscriptionRoute } from './graphql/sse/subscriptionRoute';
import { responseSizeLimitPlugin } from './graphql/plugins/responseSizeLimit';
import { unavailableStatusPlugin } from './graphql/plugins/unavailableStatus';
import { accessLog } from './http/accessLog';
import { allowedHosts } from './http/allowedHosts';
import { bodyIdleTimeout } from './http/bodyIdleTimeout';
import { corsPolicy } from './http/corsPolicy';
import { csrfPrevention } from './http/csrfPrevention';
import { refuse } from './http/refusal';
import { applyServerLimits, serverOptions } from './http/serverLimits';
import { createMetricsServer, metricsAccessNote, metricsRoute } from './http/metricsAccess';
import { bodyMemoryBudget, MemoryBudget } from './http/uploadMemoryBudget';
import { logger } from './logger';
import { MetadataService } from './metadata/MetadataService';
import { playgroundRoutes } from './playground/playgroundRoutes';
import { loadExplorerBuild } from './explorer/explorerAssets';
import { explorerRoutes } from './explorer/explorerRoutes';
import { GatewayMetrics } from './metrics';
import { createServices, type GatewayServices, type ServiceOverrides } from './services';

export interface Gateway {
  app: express.Express;
  httpServer: http.Server;
  services: GatewayServices;
  /** Starts listening; resolves with the URL of the GraphQL endpoint. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting connections, drains in-flight requests, releases the store and models. */
  close(): Promise<void>;
  /** The METRICS_PORT listener's port once listening, else undefined. */
  readonly metricsPort?: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** Room for `operations` and `map` next to the files in a multipart body. */
const MULTIPART_OVERHEAD_BYTES = 2 * 1024 * 1024;

/** Wiring only: express, uploads, Apollo, health and metrics endpoints around the services. */
export async function createGateway(config: GatewayConfig, overrides: ServiceOverrides & { metrics?: GatewayMetrics; explorerDir?: string } = {}): Promise<Gateway> {
  const metrics = overrides.metrics ?? new GatewayMetrics({ processMetrics: true });
  const services = await createServices(config, metrics, overrides);
  const schema = await buildGatewaySchema();

  const app = express();
  app.disable('x-powered-by');
  // Behind Cloud Run or a load balancer, the client is named in X-Forwarded-For by the proxies in front.
  app.set('trust proxy', config.trustProxyHops);
  const httpServer = http.createServer(serverOptions(config), app);
  applyServerLimits(httpServer, config);
  const uploadBudget = new MemoryBudget(config.uploadMemoryBudgetBytes);
  let stopping = false;
  // One list of checks for queries, mutations (Apollo) and subscriptions (the SSE route).
  const checks = operationChecks(config);

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    // The /graphql chain's csrfPrevention middleware checks every transport, Apollo's requests included.
    csrfPrevention: false,
    // main.ts owns SIGTERM/SIGINT. Apollo's own handler would call stop() first, and a second,
    // concurrent stop() (gateway.close) never resolves in @apollo/server 5.5.1: the process then
    // exits 0 without closing the store, or hangs until the grace timer exits 1.
    stopOnTerminationSignals: false,
    // Off in production unless INTROSPECTION=true: clients generate code from the committed schema.graphql.
    introspection: config.introspection,
    hideSchemaDetailsFromClientErrors: !config.introspection, // no "Did you mean ...?" either
    includeStacktraceInErrorResponses: !config.production,
    formatError: createFormatError(config.production),
    parseOptions: checks.parseOptions,
    validationRules: [...checks.validationRules],
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      operationChecksPlugin(checks),
      // willSendResponse hooks run in this order: size first, then the status, then what gets logged.
      responseSizeLimitPlugin(config.maxResponseBytes),
      unavailableStatusPlugin(config.retryAfterSeconds),
      requestObservabilityPlugin(metrics),
    ],
  });
  await apollo.start();

  app.use(allowedHosts(config.allowedHosts));
  app.use((req, res, next) => {
    const given = req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = services.isReady() && !stopping;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', store: services.store.backend });
  });
  app.get('/metrics', metricsRoute(metrics, config));
  const metricsServer = config.metricsPort !== undefined ? createMetricsServer(metrics) : undefined;

  // GraphQL is served at exactly /graphql (not /graphql/anything). The CORS policy is one middleware,
  // so every transport mounted on this path (HTTP here, SSE subscriptions) applies the same one; it
  // comes first, so that a preflight is answered by it (and not by the playground router's OPTIONS).
  const cors = corsPolicy(config.corsOrigins);
  app.all('/graphql', cors);

  const requestContext = (res: express.Response): GatewayContext => {
    const requestId = String(res.locals.requestId);
    // Every /graphql request passed `authenticate`; the fallback only serves a context built elsewhere.
    const caller = (res.locals.caller as Caller | undefined) ?? anonymousCaller('unknown', config.auth.anonymousScopes);
    return {
      requestId,
      caller,
      log: logger.child({ requestId }),
      metadata: new MetadataService(services.store, services.catalog, config.imageUrlTemplate, services.labelLinks),
      services,
      accessLog: res.locals.accessLog,
    };
  };
  // Subscriptions: `Accept: text/event-stream` requests to /graphql, after the same CORS, CSRF, body and shape checks as queries.
  const subscriptions = subscriptionRoute({
    schema,
    context: requestContext,
    checks,
    maxStreams: config.maxSubscriptionStreams,
    maxStreamsPerCaller: config.maxSubscriptionStreamsPerCaller,
    maxLifetimeMs: config.subscriptionMaxLifetimeS * 1000,
    retryAfterSeconds: config.retryAfterSeconds,
    production: config.production,
    metrics,
  });

  // A browser asking for /graphql (Accept: text/html) gets the offline GraphiQL IDE; API clients never do.
  app.use(playgroundRoutes({ introspection: config.introspection }));
  // The web explorer (web/, built by `npm run build:web`) at / and its page paths; assets under /assets/.
  app.use(explorerRoutes(await loadExplorerBuild(overrides.explorerDir), config.imageUrlTemplate));

  const refuseWhileStopping: express.RequestHandler = (_req, res, next) =>
    stopping
      ? refuse(res, 503, ErrorCode.ShuttingDown, 'The gateway is shutting down; retry on another instance.', { retryAfterSeconds: config.retryAfterSeconds, close: true })
      : next();
  app.all(
    '/graphql',
    accessLog(),
    refuseWhileStopping,
    // Before any body is read: an upload from a refused credential is never buffered.
    authenticate({ ...services.identity, anonymousScopes: config.auth.anonymousScopes, metrics }),
    csrfPrevention(),
    bodyMemoryBudget({
      budget: uploadBudget,
      maxMultipartBytes: config.maxUploadFiles * config.maxUploadBytes + MULTIPART_OVERHEAD_BYTES,
      maxJsonBytes: MAX_JSON_BODY_BYTES,
      retryAfterSeconds: config.retryAfterSeconds,
    }),
    bodyIdleTimeout(config.http.bodyIdleTimeoutMs),
    express.json({ limit: MAX_JSON_BODY_BYTES }),
    graphqlUploadExpress({ maxFileSize: config.maxUploadBytes, maxFiles: config.maxUploadFiles }),
    documentShapeCheck({ maxTokens: config.maxQueryTokens, maxAliases: config.maxQueryAliases, maxRepeatedSelections: config.maxSelectionRepeats }),
    subscriptions.handler,
    expressMiddleware(apollo, { context: async ({ res }) => requestContext(res) }),
    requestErrorHandler(config.production),
  );

  app.use((_req, res) => refuse(res, 404, ErrorCode.NotFound, 'Not found: GraphQL is served at /graphql.'));

  let closing: Promise<void> | undefined;
  return {
    app,
    httpServer,
    services,
    async listen(port = config.port, host = config.host) {
      warnAboutOpenEdges(config, host);
      if (metricsServer) {
        await listenOn(metricsServer, config.metricsPort!, host);
        logger.info({ port: (metricsServer.address() as AddressInfo).port, host }, 'metrics served on METRICS_PORT');
      }
      await listenOn(httpServer, port, host);
      const address = httpServer.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      return `http://${shownHost}:${address.port}/graphql`;
    },
    /** The METRICS_PORT listener's port once listening (0 is allowed in tests), else undefined. */
    get metricsPort() {
      return (metricsServer?.address() as AddressInfo | null)?.port;
    },
    close() {
      stopping = true;
      closing ??= (async () => {
        await subscriptions.close(); // open streams would otherwise hold the drain until its grace runs out
        await apollo.stop(); // the drain plugin closes the HTTP server and waits for in-flight requests
        await services.close();
        await new Promise<void>((resolve) => (metricsServer?.listening ? metricsServer.close(() => resolve()) : resolve()));
      })();
      return closing;
    },
  };
}

function listenOn(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** Start-up notes for production settings that leave an edge open. */
function warnAboutOpenEdges(config: GatewayConfig, host: string): void {
  if (!config.production) return;
  if (config.allowedHosts.length === 0 && !LOOPBACK.test(host)) {
    logger.warn({ host }, 'ALLOWED_HOSTS is unset: any Host header is served (DNS rebinding); set it to the names clients use, e.g. ALLOWED_HOSTS=api.example.com');
  }
  const note = metricsAccessNote(config);
  if (note) logger.info(note);
}

/**
 * Requests refused before Apollo runs (a body that is not JSON, a multipart body that breaks the
 * upload spec, a body over the size limit) answer in GraphQL's error shape with a code, never
 * express's HTML page with a stack trace. The upload parser's one 5xx (a multipart body with
 * neither `operations` nor `map`) is the client's fault too, hence 400 for every multipart request.
 */
function requestErrorHandler(production: boolean): express.ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const given = Number(error?.status ?? error?.statusCode);
    const status = given >= 400 && given < 500 ? given : req.is('multipart/form-data') ? 400 : 500;
    if (status >= 500) logger.error({ err: error, requestId: res.locals.requestId }, 'request failed before GraphQL execution');
    const message = status < 500 || !production ? String(error?.message ?? error) : 'Internal server error';
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? ErrorCode.BadRequest : ErrorCode.InternalServerError } }] });
  };
}
