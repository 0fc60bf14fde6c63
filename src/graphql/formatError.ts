import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, isGatewayError } from '../errors';

/**
 * What a client sees of an error. Gateway errors keep their code and message. Anything
 * unexpected is INTERNAL_SERVER_ERROR, and in production its message and stack are masked.
 */
export function createFormatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (isGatewayError(original)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: production ? extensions : formatted.extensions };
    }
    const code = formatted.extensions?.code ?? ErrorCode.InternalServerError;
    if (code === ErrorCode.InternalServerError && production) {
      return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    return { ...formatted, extensions: { ...formatted.extensions, code } };
  };
}
