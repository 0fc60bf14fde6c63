import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type express from 'express';
import { ErrorCode } from '../errors';
import type { GatewayMetrics } from '../metrics';
import { refuse } from './refusal';

export interface MetricsAccess {
  production: boolean;
  metricsToken?: string;
  metricsPort?: number;
}

/**
 * `/metrics` on the main port: open in development; in production, only with `Authorization: Bearer
 * METRICS_TOKEN`, and not at all without a token (then it is served on METRICS_PORT, or nowhere).
 */
export function metricsRoute(metrics: GatewayMetrics, access: MetricsAccess): express.RequestHandler {
  const serve = serveMetrics(metrics);
  if (!access.production) return serve;
  if (!access.metricsToken) return (_req, res) => refuse(res, 404, ErrorCode.NotFound, 'Not found: GraphQL is served at /graphql.');
  const expected = digest(access.metricsToken);
  return (req, res, next) => {
    const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    // Digests have one length whatever the token's, so the comparison takes the same time for every guess.
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return serve(req, res, next);
    res.setHeader('www-authenticate', 'Bearer realm="metrics"');
    refuse(res, 401, ErrorCode.Unauthenticated, '/metrics needs Authorization: Bearer <METRICS_TOKEN>.');
  };
}

/** How /metrics is reachable, for the start-up log; undefined when it is open as in development. */
export function metricsAccessNote(access: MetricsAccess): string | undefined {
  if (!access.production) return undefined;
  if (access.metricsToken) return '/metrics on the main port needs Authorization: Bearer <METRICS_TOKEN>';
  if (access.metricsPort !== undefined) return '/metrics is served only on METRICS_PORT';
  return '/metrics is off in production: set METRICS_TOKEN (bearer token on the main port) or METRICS_PORT (a private listener) to enable it';
}

/** The METRICS_PORT listener: `/metrics` and nothing else. */
export function createMetricsServer(metrics: GatewayMetrics): http.Server {
  return http.createServer(async (req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: only /metrics is served on this port.\n');
      return;
    }
    try {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
    } catch {
      res.writeHead(500).end();
    }
  });
}

function serveMetrics(metrics: GatewayMetrics): express.RequestHandler {
  return async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  };
}

const digest = (token: string) => createHash('sha256').update(token).digest();
