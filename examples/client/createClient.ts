import { ApolloClient, InMemoryCache, type ApolloLink } from '@apollo/client/core';

// apollo-upload-client is ESM-only; Node 20.19+ loads ES modules with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports -- apollo-upload-client is ESM-only; this CommonJS build loads it with require(esm) (Node 20.19+)
const { default: createUploadLink } = require('apollo-upload-client/createUploadLink.mjs') as {
  default: (options: { uri: string; headers?: Record<string, string> }) => ApolloLink;
};

/**
 * An Apollo Client that sends File / Blob variables as GraphQL multipart requests. The gateway keeps
 * Apollo's CSRF prevention on, so every request carries `apollo-require-preflight`.
 */
export function createGatewayClient(uri: string): ApolloClient<unknown> {
  return new ApolloClient({
    link: createUploadLink({ uri, headers: { 'apollo-require-preflight': 'true' } }),
    cache: new InMemoryCache(),
    defaultOptions: { query: { fetchPolicy: 'no-cache' }, mutate: { fetchPolicy: 'no-cache' } },
  });
}
