import type express from 'express';
import { ErrorCode } from '../errors';
import { refuse } from './refusal';

/** Probes (Cloud Run, Kubernetes) reach these with the pod's address as Host: they answer whatever the Host. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Against DNS rebinding: a page on attacker.example whose name is made to resolve to this gateway sends
 * `Host: attacker.example`, and the browser treats the answers as same-origin. With `allowed` set, a
 * request whose Host header is not listed gets 421 before anything else runs. An entry is `name`
 * (any port), `name:port`, or `*.domain` (any subdomain of domain, not domain itself). Empty: any host.
 */
export function allowedHosts(allowed: readonly string[]): express.RequestHandler {
  const matches = hostMatcher(allowed);
  return (req, res, next) => {
    if (allowed.length === 0 || PROBE_PATHS.has(req.path) || matches(req.headers.host ?? '')) return next();
    refuse(res, 421, ErrorCode.MisdirectedRequest, 'This host name is not served here (ALLOWED_HOSTS).', { close: true });
  };
}

export function hostMatcher(allowed: readonly string[]): (host: string) => boolean {
  const entries = allowed.map((entry) => {
    const { name, port } = splitHost(entry);
    return { wildcard: name.startsWith('*.'), name: name.startsWith('*.') ? name.slice(1) : name, port };
  });
  return (header) => {
    const { name, port } = splitHost(header.trim().toLowerCase().replace(/\.$/, ''));
    if (!name) return false;
    return entries.some(
      (entry) => (entry.port === undefined || entry.port === port) && (entry.wildcard ? name.endsWith(entry.name) && name.length > entry.name.length : name === entry.name),
    );
  };
}

/** `name[:port]` or `[v6]:port`. */
function splitHost(host: string): { name: string; port?: string } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host);
  return match ? { name: match[1], port: match[2] } : { name: '' };
}
