import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../errors';

const STATUS_OF_REFUSAL = new Map<unknown, number>([
  [ErrorCode.Overloaded, 503],
  [ErrorCode.ShuttingDown, 503],
  [ErrorCode.RateLimited, 429],
]);

/**
 * A request refused as a whole because the gateway is busy or stopping (503: OVERLOADED,
 * SHUTTING_DOWN) or the caller is over a limit (429: RATE_LIMITED), with no data, answers with that
 * HTTP status and `Retry-After` (the longest an error asks for, else the configured one), so load
 * balancers and clients back off; the GraphQL error body is kept. A partial answer stays 200.
 */
export function unavailableStatusPlugin(retryAfterSeconds: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const refusals = errors?.filter((error) => STATUS_OF_REFUSAL.has(error.extensions?.code)) ?? [];
          if (refusals.length === 0) return;
          if (data && Object.values(data).some((value) => value !== null)) return;
          const status = Math.max(...refusals.map((error) => STATUS_OF_REFUSAL.get(error.extensions?.code)!));
          const asked = refusals.map((error) => Number(error.extensions?.retryAfterSeconds)).filter((seconds) => Number.isFinite(seconds) && seconds > 0);
          response.http.status = status;
          response.http.headers.set('retry-after', String(asked.length > 0 ? Math.max(...asked) : retryAfterSeconds));
        },
      };
    },
  };
}
