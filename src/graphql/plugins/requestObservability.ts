import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { isGatewayError } from '../../errors';
import type { GatewayContext } from '../../context';
import type { GatewayMetrics } from '../../metrics';

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_LABELS = 200;

/**
 * The access-log fields and one metrics observation per GraphQL operation. Operation names
 * come from clients, so the metric label is bounded (well-formed names, at most 200 of them).
 */
export function requestObservabilityPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  const seenOperations = new Set<string>();
  const operationLabel = (name: string | null | undefined): string => {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (!seenOperations.has(name) && seenOperations.size >= MAX_OPERATION_LABELS) return 'other';
    seenOperations.add(name);
    return name;
  };

  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        // Expected failures (GatewayError) are logged where they happen; only surprises are logged here.
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (isGatewayError(original) || !error.path) continue;
            contextValue.log?.error({ err: original, path: error.path.join('.') }, 'unexpected resolver error');
          }
        },
        async willSendResponse({ contextValue, operationName, operation, errors, response }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const operationName_ = operationName ?? operation?.name?.value ?? null;
          const label = operationLabel(operationName_);
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const allErrors = errors ?? body?.errors ?? [];
          const codes = [...new Set(allErrors.map((e) => String((e as { extensions?: { code?: unknown } }).extensions?.code ?? 'UNKNOWN')))];
          const status = allErrors.length === 0 ? 'ok' : body?.data ? 'partial' : 'error';
          metrics.graphqlRequests.inc({ operation: label, status });
          metrics.graphqlSeconds.observe({ operation: label }, seconds);
          // The line itself is written by the access log once the response is sent (http/accessLog.ts).
          Object.assign(contextValue.accessLog ?? {}, {
            operationName: operationName_,
            operationType: operation?.operation,
            status,
            ...(codes.length > 0 ? { errorCodes: codes } : {}),
          });
        },
      };
    },
  };
}
