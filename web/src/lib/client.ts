import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import createUploadLink from 'apollo-upload-client/createUploadLink.mjs';
import { authorizationHeaders } from './auth';

/**
 * The explorer's only way to the gateway: Apollo Client over a link that sends File variables as
 * GraphQL multipart requests. Same origin (`/graphql`), so the CSP's connect-src 'self' holds.
 * Apollo's CSRF prevention is on at the gateway, hence `apollo-require-preflight` on every request.
 * The signed-in credential (lib/auth) is read as each request leaves, as `Authorization: Bearer …`.
 */
export function createExplorerClient(): ApolloClient<unknown> {
  const withCredential = new ApolloLink((operation, forward) => {
    operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({ headers: { ...headers, ...authorizationHeaders() } }));
    return forward(operation);
  });
  return new ApolloClient({
    link: withCredential.concat(createUploadLink({ uri: '/graphql', headers: { 'apollo-require-preflight': 'true' } })),
    cache: new InMemoryCache({
      typePolicies: {
        // Classes are identified by their Knowledge Graph id, but not every selection asks for it.
        Class: { keyFields: false },
      },
    }),
  });
}
