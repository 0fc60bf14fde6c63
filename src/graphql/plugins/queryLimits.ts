import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
  getNullableType,
  isListType,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { ErrorCode } from '../../errors';

/**
 * Refuses expensive queries before they run. Depth is a validation rule (so it also guards
 * introspection); cost needs the variables, so it runs once the operation is resolved.
 */

export interface QueryLimits {
  maxQueryDepth: number;
  maxQueryCost: number;
}

/** The validation rules every operation must pass, whatever its transport (Apollo, SSE subscriptions). */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [depthLimitRule(limits.maxQueryDepth)];
}

export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const depthOf = (set: SelectionSetNode | undefined, visiting: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, visiting));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, visiting));
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || visiting.has(name)) continue;
          deepest = Math.max(deepest, depthOf(fragment.selectionSet, new Set([...visiting, name])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query depth ${depth} exceeds the limit of ${maxDepth}.`, {
              nodes: [node],
              extensions: { code: ErrorCode.QueryTooDeep, depth, maxDepth },
            }),
          );
        }
      },
    };
  };
}

/**
 * Each field costs 1 plus its children; a field taking `first` (or a list of `ids` / `files`)
 * multiplies its children by that count, and other list fields by a typical size.
 */
const TYPICAL_LIST_SIZE = 10;
const paginationEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  if (typeof args.first === 'number') return 1 + childComplexity * Math.max(args.first, 1);
  if (Array.isArray(args.ids)) return 1 + childComplexity * Math.max(args.ids.length, 1);
  if (Array.isArray(args.files)) return 1 + childComplexity * Math.max(args.files.length, 1);
  if (field.name === 'edges') return 1 + childComplexity;
  if (isListType(getNullableType(field.type))) return 1 + childComplexity * TYPICAL_LIST_SIZE;
  return undefined;
};

export interface CostedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Why a validated operation may not run (QUERY_TOO_COMPLEX, or BAD_USER_INPUT), or undefined when it may. */
export function queryCostError({ schema, document, operationName, variables }: CostedOperation, maxCost: number): GraphQLError | undefined {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [paginationEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // Variables that do not coerce make the estimate throw; that is the client's mistake
    // (what execution would answer), not a 500. Refusing, not skipping, keeps the limit whole.
    return new GraphQLError(error instanceof Error ? error.message : String(error), {
      extensions: { code: ErrorCode.BadUserInput, http: { status: 400 } },
    });
  }
  if (cost > maxCost) {
    return new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}; ask for smaller pages.`, {
      extensions: { code: ErrorCode.QueryTooComplex, cost, maxCost, http: { status: 400 } },
    });
  }
  return undefined;
}

export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const refused = queryCostError({ schema, document, operationName: request.operationName, variables: request.variables }, maxCost);
          if (refused) throw refused;
        },
      };
    },
  };
}
