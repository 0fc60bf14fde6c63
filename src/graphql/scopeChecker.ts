import type { AuthChecker } from 'type-graphql';
import type { GatewayContext } from '../context';
import { ErrorCode, GatewayError } from '../errors';
import { hasScope, type Scope } from '../auth/caller';

/**
 * type-graphql's auth checker: a field declared with `@RequiresScope(s)` runs only for callers holding
 * `s` (or `admin`). A refusal is a FORBIDDEN error on that field; the rest of the operation answers.
 */
export const scopeChecker: AuthChecker<GatewayContext, Scope> = ({ context, info }, scopes) => {
  const { caller } = context;
  if (scopes.some((scope) => hasScope(caller, scope))) return true;
  const held = [...caller.scopes].sort().join(', ') || 'none';
  const who = caller.kind === 'anonymous' ? 'Anonymous callers have' : 'Your credential has';
  throw new GatewayError(ErrorCode.Forbidden, `\`${info.fieldName}\` needs the \`${scopes.join('` or `')}\` scope. ${who}: ${held}.`, { requiredScopes: scopes });
};
