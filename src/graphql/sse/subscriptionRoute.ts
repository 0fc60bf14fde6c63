import type express from 'express';
import { getOperationAST, GraphQLError, subscribe, type DocumentNode, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { ExecutionResult as SseExecutionResult } from 'graphql-sse';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { GatewayContext } from '../../context';
import type { GatewayMetrics } from '../../metrics';
import { ErrorCode } from '../../errors';
import { refuse } from '../../http/refusal';
import { logger } from '../../logger';
import { createFormatError } from '../formatError';
import type { OperationChecks } from '../operationChecks';
import { endAfterLifetime } from './endAfterLifetime';
import { endOnAbort } from './endOnAbort';
import { StreamsPerCaller, streamCallerKey } from './streamsPerCaller';

export interface SubscriptionRouteOptions {
  schema: GraphQLSchema;
  /** The same context queries get. */
  context: (res: express.Response) => GatewayContext;
  /** The same checks Apollo runs on queries and mutations. */
  checks: OperationChecks;
  /** Streams open at once; more are refused with 503 OVERLOADED. */
  maxStreams: number;
  /** Streams one caller may hold open; more are refused with 429 RATE_LIMITED. */
  maxStreamsPerCaller: number;
  /** A stream ends after this long, with a STREAM_LIFETIME_EXCEEDED error as its last event. */
  maxLifetimeMs: number;
  /** Retry-After of the refusals. */
  retryAfterSeconds: number;
  production: boolean;
  metrics?: GatewayMetrics;
  /** How long close() lets streams finish their last event before it cuts their sockets. */
  closeGraceMs?: number;
}

export interface SubscriptionRoute {
  /** Mounted in the /graphql chain after CORS and the JSON parser; passes on every request that does not ask for text/event-stream. */
  handler: express.RequestHandler;
  openStreams(): number;
  /** Refuses new streams and completes the open ones; resolves once they have ended. */
  close(): Promise<void>;
}

interface OpenStream {
  abort: AbortController;
  /** Aborted when the stream has lived its maximum lifetime. */
  expired: AbortController;
  res: express.Response;
  ended: Promise<void>;
}

/** graphql-sse wants a context that is a plain record. */
type SseContext = GatewayContext & Record<PropertyKey, unknown>;

const EVENT_STREAM = 'text/event-stream';

// The client prefers an event stream to a JSON answer (an Accept of any type alone does not: it gets JSON from Apollo).
function asksForEventStream(req: express.Request): boolean {
  if (!req.headers.accept?.toLowerCase().includes(EVENT_STREAM)) return false;
  return req.accepts([EVENT_STREAM, 'application/graphql-response+json', 'application/json']) === EVENT_STREAM;
}

// `data: null` is how graphql-sse tells a result from execution arguments.
const refusal = (message: string, code: string): SseExecutionResult => ({ data: null, errors: [new GraphQLError(message, { extensions: { code } })] });

/**
 * GraphQL subscriptions over Server-Sent Events (graphql-sse, "distinct connections" mode: one
 * stream per operation, plain HTTP/1.1, so it passes proxies that forward ordinary requests), on
 * the same /graphql path as queries: a request with `Accept: text/event-stream` is a stream.
 *
 * graphql-sse runs none of Apollo's plugins, so this route runs the one list of operation checks
 * (operationChecks.ts: parse, validation, cost) that Apollo runs through its plugin; CSRF, body and
 * shape checks are the /graphql chain's middleware before it, and errors are formatted by the same
 * formatError. Only subscriptions are served; queries and mutations stay on Apollo.
 */
export function subscriptionRoute(options: SubscriptionRouteOptions): SubscriptionRoute {
  const { schema, checks, maxStreams, production } = options;
  const formatError = createFormatError(production);
  const streams = new Map<express.Response, OpenStream>();
  const perCaller = new StreamsPerCaller(options.maxStreamsPerCaller);
  const lifetimeExceeded = (): ExecutionResult => ({
    errors: [
      new GraphQLError(`The stream reached its maximum lifetime (${Math.round(options.maxLifetimeMs / 1000)} s); subscribe again to go on (the latest event comes first).`, {
        extensions: { code: ErrorCode.StreamLifetimeExceeded },
      }),
    ],
  });
  let closing = false;

  const sse = createHandler<SseContext>({
    schema,
    // null: no "single connection mode" (its streams are reserved by token, server-side state across requests).
    authenticate: () => null,
    context: (req) => options.context(req.context.res) as SseContext,
    validate: (schema, document) => checks.validate(schema, document),
    onSubscribe: (_req, params) => {
      let document: DocumentNode;
      try {
        document = checks.parse(params.query ?? '');
      } catch (error) {
        return { data: null, errors: [error as GraphQLError] };
      }
      const operation = getOperationAST(document, params.operationName);
      if (!operation) return refusal('The document must name the operation to run (`operationName`).', ErrorCode.BadRequest);
      if (operation.operation !== 'subscription') {
        return refusal(`Only subscriptions are served as ${EVENT_STREAM}; send queries and mutations as ordinary requests to the same URL.`, ErrorCode.BadRequest);
      }
    },
    subscribe: async (args) => {
      const refused = checks.refuseResolved({ schema: args.schema, document: args.document, operationName: args.operationName, variables: args.variableValues });
      if (refused) return { errors: [refused] };
      return (await subscribe(args)) as AsyncGenerator<ExecutionResult> | ExecutionResult;
    },
    onOperation: (_ctx, req, _args, result) => {
      const stream = streams.get(req.context.res);
      if (stream && isAsyncIterable(result)) return endOnAbort(endAfterLifetime(result, stream.expired.signal, lifetimeExceeded), stream.abort.signal);
    },
    onNext: (_ctx, _req, result) => {
      if (!('errors' in result) || !result.errors?.length) return;
      return { ...result, errors: result.errors.map((error) => formatError(withCode(error), error)) } as unknown as SseExecutionResult;
    },
  });

  const handler: express.RequestHandler = (req, res, next) => {
    if (!asksForEventStream(req) || (req.method !== 'GET' && req.method !== 'POST')) return next();
    if (closing) {
      options.metrics?.subscriptionStreamsRefused.inc({ reason: 'shutdown' });
      return refuse(res, 503, ErrorCode.ShuttingDown, 'The gateway is shutting down; retry on another instance.', { retryAfterSeconds: 1, close: true });
    }
    if (streams.size >= maxStreams) {
      options.metrics?.subscriptionStreamsRefused.inc({ reason: 'limit' });
      return refuse(res, 503, ErrorCode.Overloaded, `Too many open subscription streams (at most ${maxStreams}); retry later.`, { retryAfterSeconds: 5 });
    }
    const caller = streamCallerKey(req, res);
    if (!perCaller.tryAdd(caller)) {
      options.metrics?.subscriptionStreamsRefused.inc({ reason: 'caller_limit' });
      return refuse(res, 429, ErrorCode.RateLimited, `Too many open subscription streams for this caller (at most ${options.maxStreamsPerCaller}); close one first.`, {
        retryAfterSeconds: options.retryAfterSeconds,
      });
    }

    // graphql-sse recognises a stream by this exact header; `text/event-stream, */*` means the same.
    req.headers.accept = EVENT_STREAM;
    // Tell buffering proxies (nginx) to pass each event on as it comes.
    res.setHeader('x-accel-buffering', 'no');
    const started = Date.now();
    // The stream is over when its response closes: graphql-sse 2.6.1's express handler never settles
    // after a client disconnects (it waits for res.end's callback on a destroyed response).
    const stream: OpenStream = { abort: new AbortController(), expired: new AbortController(), res, ended: new Promise((resolve) => res.once('close', () => resolve())) };
    const lifetime = setTimeout(() => stream.expired.abort(), options.maxLifetimeMs).unref();
    streams.set(res, stream);
    options.metrics?.subscriptionStreams.set(streams.size);
    sse(req, res).catch((error: unknown) => {
      logger.error({ err: error, requestId: res.locals.requestId }, 'subscription stream failed');
      if (!res.headersSent) refuse(res, 500, ErrorCode.InternalServerError, production ? 'Internal server error' : String((error as Error)?.message ?? error));
      else res.destroy();
    });
    void stream.ended.finally(() => {
      clearTimeout(lifetime);
      perCaller.remove(caller);
      streams.delete(res);
      options.metrics?.subscriptionStreams.set(streams.size);
      logger.info({ requestId: res.locals.requestId, operationName: operationNameOf(req), durationMs: Date.now() - started }, 'graphql subscription stream');
    });
  };

  return {
    handler,
    openStreams: () => streams.size,
    async close() {
      closing = true;
      const open = [...streams.values()];
      for (const stream of open) stream.abort.abort();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, options.closeGraceMs ?? 2000).unref());
      await Promise.race([Promise.all(open.map((stream) => stream.ended)), grace]);
      for (const stream of streams.values()) stream.res.destroy();
    },
  };
}

/** A request's operation name, for the log (bounded, like the request log's). */
function operationNameOf(req: express.Request): string | undefined {
  const given = (req.body as { operationName?: unknown } | undefined)?.operationName ?? req.query.operationName;
  return typeof given === 'string' && /^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(given) ? given : undefined;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

/**
 * Errors graphql-js reports before any resolver (variables that do not coerce) carry no code and
 * no path: the client's mistake, BAD_USER_INPUT as Apollo answers. Everything else is formatted as is.
 */
function withCode(error: GraphQLError): GraphQLFormattedError {
  const formatted = error.toJSON();
  if (formatted.extensions?.code || formatted.path) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BadUserInput } };
}
