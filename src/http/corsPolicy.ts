import type express from 'express';
import { ErrorCode } from '../errors';
import { refuse } from './refusal';

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** The headers a GraphQL client sends: content negotiation, Apollo's CSRF preflight headers, request ids. */
const ALLOWED_HEADERS = ['content-type', 'accept', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'];

/**
 * Cross-origin access for one GraphQL endpoint (HTTP or SSE on the same path): none by default; the
 * exact origins in `allowedOrigins` (CORS_ORIGINS) may call it from a browser. Never `*`: the endpoint
 * takes uploads and spends the operator's quotas (Vision). A request carrying an Origin that is neither
 * allowed nor the gateway's own host is refused with 403 before it runs, preflight or not.
 */
export function corsPolicy(allowedOrigins: readonly string[]): express.RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin === undefined) return next(); // not a browser's cross-origin call (curl, servers, same-origin GET)
    const isAllowed = allowed.has(origin);
    if (!isAllowed && !sameHost(origin, req.headers.host)) {
      return refuse(res, 403, ErrorCode.ForbiddenOrigin, 'Cross-origin requests from this origin are not allowed (see CORS_ORIGINS).');
    }
    if (isAllowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'x-request-id, retry-after');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', ALLOWED_METHODS);
      res.setHeader('access-control-allow-headers', ALLOWED_HEADERS.join(', '));
      res.setHeader('access-control-max-age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/** The page was served by this gateway (the playground): its origin's host is the one the request went to. */
function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
}
