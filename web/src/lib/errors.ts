import type { ApolloError } from '@apollo/client';

export interface ShownError {
  code?: string;
  message: string;
}

/** The first error of a failed operation, with the gateway's `extensions.code` when there is one. */
export function shownError(error: ApolloError | Error | undefined): ShownError | undefined {
  if (!error) return undefined;
  const apollo = error as Partial<ApolloError>;
  const graphQLError = apollo.graphQLErrors?.[0];
  if (graphQLError) return { code: graphQLError.extensions?.code as string | undefined, message: graphQLError.message };
  const network = apollo.networkError as (Error & { result?: { errors?: { message: string; extensions?: { code?: string } }[] }; statusCode?: number }) | null | undefined;
  const bodyError = network?.result?.errors?.[0];
  if (bodyError) return { code: bodyError.extensions?.code, message: bodyError.message };
  if (network) return { code: 'NETWORK', message: `The gateway could not be reached (${network.message}).` };
  return { message: error.message };
}
