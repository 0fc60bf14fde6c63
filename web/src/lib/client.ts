import { ApolloClient, ApolloLink, InMemoryCache, Observable } from '@apollo/client';
import createUploadLink from 'apollo-upload-client/createUploadLink.mjs';
import { authorizationHeaders } from './auth';

/** Adds the signed-in credential (lib/auth) as each request leaves, as `Authorization: Bearer …`. */
const withCredential = new ApolloLink((operation, forward) => {
  operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({ headers: { ...headers, ...authorizationHeaders() } }));
  return forward(operation);
});

/**
 * A refusal before GraphQL ran (401, 503…) fails as "Response not successful: Received status code
 * 401" whatever the gateway said; its body's message is added, so that two different refusals are two
 * different errors. (useQuery compares errors by message: a second 401 for another reason, after
 * switching credentials, would otherwise keep showing the first one's reason.)
 */
const withServerMessage = new ApolloLink(
  (operation, forward) =>
    new Observable((observer) => {
      const subscription = forward(operation).subscribe({
        next: (result) => observer.next(result),
        complete: () => observer.complete(),
        error: (error: unknown) => {
          const refusal = error as { message?: unknown; result?: { errors?: { message?: unknown }[] } } | null;
          const said = refusal?.result?.errors?.[0]?.message;
          if (refusal && typeof said === 'string' && typeof refusal.message === 'string' && !refusal.message.includes(said)) refusal.message = `${refusal.message}: ${said}`;
          observer.error(error);
        },
      });
      return () => subscription.unsubscribe();
    }),
);

/**
 * The explorer's only way to the gateway: Apollo Client over a link that sends File variables as
 * GraphQL multipart requests. Same origin (`/graphql`), so the CSP's connect-src 'self' holds.
 * Apollo's CSRF prevention is on at the gateway, hence `apollo-require-preflight` on every request.
 */
export function createExplorerClient(): ApolloClient<unknown> {
  return new ApolloClient({
    link: ApolloLink.from([withCredential, withServerMessage, createUploadLink({ uri: '/graphql', headers: { 'apollo-require-preflight': 'true' } })]),
    cache: new InMemoryCache({
      typePolicies: {
        // Classes are identified by their Knowledge Graph id, but not every selection asks for it.
        Class: { keyFields: false },
      },
    }),
  });
}
