import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../errors';

const REFUSALS = new Set<unknown>([ErrorCode.Overloaded, ErrorCode.ShuttingDown]);

/**
 * A request refused as a whole because the gateway is busy or stopping (no data, an OVERLOADED or
 * SHUTTING_DOWN error) answers HTTP 503 with `Retry-After`, so load balancers and clients see it; the
 * GraphQL error body is kept. A partial answer (some fields resolved) stays 200.
 */
export function unavailableStatusPlugin(retryAfterSeconds: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (!errors?.some((error) => REFUSALS.has(error.extensions?.code))) return;
          if (data && Object.values(data).some((value) => value !== null)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(retryAfterSeconds));
        },
      };
    },
  };
}
