import type http from 'node:http';
import type { GatewayConfig } from '../config';

/**
 * Options for http.createServer: how long a client may take to send a request head and a whole
 * request, how long idle keep-alive connections stay, and how often Node checks those deadlines
 * (its default, 30 s, would let a slow client outlive a 10 s header deadline threefold).
 */
export function serverOptions(config: GatewayConfig): http.ServerOptions {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = config.http;
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
  };
}

/** Settings that exist only on the server object. */
export function applyServerLimits(server: http.Server, config: GatewayConfig): void {
  server.maxConnections = config.http.maxConnections;
}
