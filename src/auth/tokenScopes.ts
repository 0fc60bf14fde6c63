import { SCOPES, type Scope } from './caller';

/**
 * The gateway's scopes named by a token: the OAuth `scope` claim (space-separated), and the `scp`
 * (Okta, Azure) and `permissions` (Auth0 RBAC) arrays. With a prefix, only `<prefix><scope>` counts, so
 * a provider shared with other APIs can keep its scopes apart; anything else in the claims is ignored.
 */
export function scopesOfClaims(claims: Record<string, unknown>, prefix = ''): Scope[] {
  const named = [...words(claims.scope), ...words(claims.scp), ...words(claims.permissions)];
  const scopes = new Set<Scope>();
  for (const name of named) {
    if (!name.startsWith(prefix)) continue;
    const scope = name.slice(prefix.length);
    if ((SCOPES as readonly string[]).includes(scope)) scopes.add(scope as Scope);
  }
  return [...scopes];
}

function words(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(/\s+/).filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((item): item is string => typeof item === 'string');
  return [];
}
