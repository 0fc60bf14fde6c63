import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { depthLimitRule, queryCostError, type CostedOperation, type QueryLimits } from './plugins/queryLimits';

/**
 * The checks every GraphQL operation passes on its way to execution, whichever transport carries
 * it: Apollo for queries and mutations (through `operationChecksPlugin` and its `parseOptions` and
 * `validationRules`), the SSE route for subscriptions (which calls `parse`, `validate` and
 * `refuseResolved` itself, since graphql-sse runs no Apollo plugin). A limit is added here once and
 * holds on both; test/subscriptions/sameChecks.test.ts sends the same refused requests over both.
 *
 * What comes before (the CSRF check, the body budgets, the document's shape) is express middleware
 * on the one /graphql chain, so both transports pass it too; error formatting is one formatError.
 */
export interface OperationChecks {
  /** The parser's limits (tokens). */
  readonly parseOptions: ParseOptions;
  /** The gateway's validation rules, run after graphql-js's specified ones. */
  readonly validationRules: readonly ValidationRule[];
  /** Parses as Apollo does: a syntax error (or too many tokens) is GRAPHQL_PARSE_FAILED. */
  parse(source: string): DocumentNode;
  /** Validates as Apollo does: every error carries a code, GRAPHQL_VALIDATION_FAILED unless its rule gave one. */
  validate(schema: GraphQLSchema, document: DocumentNode): GraphQLError[];
  /** Why a validated operation with its variables may not run (its cost), or undefined when it may. */
  refuseResolved(operation: CostedOperation): GraphQLError | undefined;
}

export function operationChecks(limits: QueryLimits): OperationChecks {
  const parseOptions: ParseOptions = { maxTokens: limits.maxQueryTokens };
  const validationRules: ValidationRule[] = [depthLimitRule(limits.maxQueryDepth)];
  const allRules = [...specifiedRules, ...validationRules];
  return {
    parseOptions,
    validationRules,
    parse(source) {
      try {
        return parse(source, parseOptions);
      } catch (error) {
        const syntax = error instanceof GraphQLError ? error : undefined;
        throw new GraphQLError(syntax?.message ?? String(error), { source: syntax?.source, positions: syntax?.positions, extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
      }
    },
    validate: (schema, document) =>
      validate(schema, document, allRules).map((error) =>
        error.extensions.code
          ? error
          : new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      ),
    refuseResolved: (operation) => queryCostError(operation, limits.maxQueryCost),
  };
}

/** The checks Apollo does not run from its own options (parse and validation are): those on the resolved operation. */
export function operationChecksPlugin(checks: OperationChecks): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const refused = checks.refuseResolved({ schema, document, operationName: request.operationName, variables: request.variables });
          if (refused) throw refused;
        },
      };
    },
  };
}
