import { boolean, origins } from '../parsers';
import { computed, integerVariable, variable } from '../spec';
import { isProduction } from './server';

/** HTTP: what browsers may do, connection timeouts, subscription streams, proxies and the shutdown. */
export const HTTP = {
  introspection: variable(
    'INTROSPECTION',
    computed('(unset: on unless production)', (env) => !isProduction(env)),
    '`true` / `false`: schema introspection and "Did you mean" suggestions. Off with `NODE_ENV=production` unless `true`.',
    (env, name, fallback) => boolean(env, name) ?? fallback,
  ),
  corsOrigins: variable(
    'CORS_ORIGINS',
    computed('(unset: no cross-origin access)', (): string[] => []),
    'Comma-separated exact origins (`https://app.example.com`) allowed to call the gateway from a browser; `*` is refused.',
    (env, name) => origins(env, name),
  ),
  retryAfterSeconds: integerVariable('RETRY_AFTER_SECONDS', 5, '`Retry-After` of the 503 answers (`OVERLOADED`, `SHUTTING_DOWN`).', 1),
  headersTimeoutMs: integerVariable('HEADERS_TIMEOUT_MS', 10_000, 'Longest time a client may take to send the request head; then the connection is closed.', 1),
  requestTimeoutMs: integerVariable('REQUEST_TIMEOUT_MS', 120_000, 'Longest time a client may take to send a whole request (head and body); then 408 and close.', 1),
  bodyIdleTimeoutMs: integerVariable('BODY_IDLE_TIMEOUT_MS', 15_000, 'Longest pause while a request body arrives; then 408 and close.', 1),
  keepAliveTimeoutMs: integerVariable('KEEP_ALIVE_TIMEOUT_MS', 5_000, 'How long an idle keep-alive connection stays open.', 1),
  maxConnections: integerVariable('MAX_CONNECTIONS', 1024, 'Most open client connections; further ones are closed at once.', 1),
  maxSubscriptionStreams: integerVariable('MAX_SUBSCRIPTION_STREAMS', 100, 'Subscription streams (GraphQL over SSE) open at once; more answer 503 `OVERLOADED`.', 1),
  maxSubscriptionStreamsPerCaller: integerVariable(
    'MAX_SUBSCRIPTION_STREAMS_PER_CALLER',
    10,
    'Subscription streams one caller (its id, else its address) may hold open; more answer 429 `RATE_LIMITED`.',
    1,
  ),
  subscriptionMaxLifetimeS: integerVariable(
    'SUBSCRIPTION_MAX_LIFETIME_S',
    3600,
    'A subscription stream ends after this many seconds with a `STREAM_LIFETIME_EXCEEDED` error event; the client reconnects.',
    1,
    2_000_000, // setTimeout's limit is 2^31 ms
  ),
  trustProxyHops: integerVariable(
    'TRUST_PROXY',
    0,
    'How many proxies in front of the gateway (Cloud Run, a load balancer) may name the client in `X-Forwarded-For`; the client address keys anonymous rate limits and logs.',
    0,
    10,
  ),
  shutdownGraceMs: integerVariable('SHUTDOWN_GRACE_MS', 10000, 'On SIGTERM, how long in-flight requests may take before the process exits.'),
};
