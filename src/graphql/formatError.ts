import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, isGatewayError, type GatewayError } from '../errors';

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
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => bounded(shape(production, formatted, error));
}

/** Longest message a client sees; graphql-js quotes whole variable values in its coercion errors. */
const MAX_MESSAGE_CHARS = 300;
/** Longest string an error's extensions carry (client input among them). */
const MAX_EXTENSION_STRING_CHARS = 100;

/**
 * Every error, whoever made it (graphql-js echoes invalid variable values whole), quotes at most a
 * short prefix of client input: many aliases over one large variable must not build a huge response.
 */
function bounded(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text);
  const boundValue = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return cut(value, MAX_EXTENSION_STRING_CHARS);
    if (depth > 3 || value === null || typeof value !== 'object') return depth > 3 ? undefined : value;
    if (Array.isArray(value)) return value.slice(0, 20).map((item) => boundValue(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value)
        .slice(0, 20)
        .map(([key, item]) => [key, boundValue(item, depth + 1)]),
    );
  };
  const { stacktrace, ...extensions } = formatted.extensions ?? {};
  const boundedExtensions = boundValue(extensions, 0) as Record<string, unknown>;
  // Stack traces (development only) start with the message: each line is cut like it.
  if (Array.isArray(stacktrace)) boundedExtensions.stacktrace = stacktrace.map((line) => cut(String(line), MAX_MESSAGE_CHARS));
  return { ...formatted, message: cut(formatted.message, MAX_MESSAGE_CHARS), ...(formatted.extensions ? { extensions: boundedExtensions } : {}) };
}

/**
 * The gateway error behind what graphql-js or Apollo reports: a resolver's is wrapped with its path
 * (`unwrapResolverError`), one thrown elsewhere (a plugin, the SSE route) is the `originalError` of a
 * GraphQLError without one.
 */
function gatewayErrorOf(error: unknown): GatewayError | undefined {
  const original = unwrapResolverError(error);
  if (isGatewayError(original)) return original;
  const wrapped = original instanceof GraphQLError ? original.originalError : undefined;
  return isGatewayError(wrapped) ? wrapped : undefined;
}

function shape(production: boolean, formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const gatewayError = gatewayErrorOf(error);
  if (gatewayError) {
    // An expected failure (bad input, an unreachable upstream): its code and message say it all, in development too.
    // Its extensions are its code and extras, whatever the transport made of them; never a stack.
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, ...gatewayError.extensions } };
  }
  const code = ruleCode(error) ?? formatted.extensions?.code ?? ErrorCode.InternalServerError;
  if (code === ErrorCode.InternalServerError && production) {
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  return { ...formatted, extensions: { ...formatted.extensions, code } };
}
