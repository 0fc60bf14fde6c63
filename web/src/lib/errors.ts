import type { ApolloError } from '@apollo/client';

export interface ShownError {
  code?: string;
  message: string;
  /** FORBIDDEN: the scopes that would have allowed it (`extensions.requiredScopes`). */
  requiredScopes?: string[];
}

type Extensions = { code?: unknown; requiredScopes?: unknown } | undefined;

function withExtensions(message: string, extensions: Extensions): ShownError {
  const scopes = extensions?.requiredScopes;
  return {
    code: typeof extensions?.code === 'string' ? extensions.code : undefined,
    message,
    ...(Array.isArray(scopes) ? { requiredScopes: scopes.map(String) } : {}),
  };
}

/** The first error of a failed operation, with the gateway's `extensions.code` when there is one. */
export function shownError(error: ApolloError | Error | undefined): ShownError | undefined {
  if (!error) return undefined;
  const apollo = error as Partial<ApolloError>;
  const graphQLError = apollo.graphQLErrors?.[0];
  if (graphQLError) return withExtensions(graphQLError.message, graphQLError.extensions);
  // A refusal before GraphQL ran (401 UNAUTHENTICATED, 503 OVERLOADED…) carries GraphQL's error shape in its body.
  const network = apollo.networkError as (Error & { result?: { errors?: { message: string; extensions?: Extensions }[] }; statusCode?: number }) | null | undefined;
  const bodyError = network?.result?.errors?.[0];
  if (bodyError) return withExtensions(bodyError.message, bodyError.extensions);
  if (network) return { code: 'NETWORK', message: `The gateway could not be reached (${network.message}).` };
  return { message: error.message };
}
