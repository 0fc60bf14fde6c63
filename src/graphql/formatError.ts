import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, isGatewayError } from '../errors';

const GATEWAY_CODES = new Set<unknown>(Object.values(ErrorCode));

/**
 * Apollo re-codes every validation error GRAPHQL_VALIDATION_FAILED; the code that a gateway rule
 * gave its error (QUERY_TOO_DEEP) is on the original and wins.
 */
function ruleCode(error: unknown): unknown {
  const original = (error as { originalError?: unknown } | undefined)?.originalError;
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  return GATEWAY_CODES.has(code) ? code : undefined;
}

/**
 * What a client sees of an error. Gateway errors keep their code and message, never a stack. Anything
 * unexpected is INTERNAL_SERVER_ERROR, and in production its message and stack are masked.
 */
export function createFormatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isGatewayError(original)) {
      // An expected failure (bad input, an unreachable upstream): its code and message say it all, in development too.
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const code = ruleCode(error) ?? formatted.extensions?.code ?? ErrorCode.InternalServerError;
    if (code === ErrorCode.InternalServerError && production) {
      return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    return { ...formatted, extensions: { ...formatted.extensions, code } };
  };
}
