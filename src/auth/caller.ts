import type { Scope } from '../config/scopes';

// The scope list is configuration's too (ANONYMOUS_SCOPES), so it lives in src/config/scopes.ts.
export { SCOPES, type Scope } from '../config/scopes';

/**
 * Who sent a request, decided once at the HTTP edge (src/auth/authenticate.ts) and carried in
 * `res.locals.caller` and the GraphQL context. `id` is the key of ownership (jobs, trained models) and
 * of per-caller limits: `user:<sub>` for a JWT, `key:<name>` for an API key, `anon:<address>` otherwise.
 */
export interface Caller {
  id: string;
  kind: 'user' | 'apiKey' | 'anonymous';
  scopes: ReadonlySet<Scope>;
  /** The client address (req.ip), for logs and for anonymous limits. */
  address: string;
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.has(scope) || caller.scopes.has('admin');
}

/** Callers whose key is unknown (tests, scripts that build a context by hand) are anonymous with every scope. */
export function anonymousCaller(address: string, scopes: Iterable<Scope>): Caller {
  return { id: `anon:${address}`, kind: 'anonymous', scopes: new Set(scopes), address };
}
